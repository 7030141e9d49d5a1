/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevctl-json.h"
#include "macro.h"

void mdevctl_json_write_string(FILE *f, const char *s)
{
	const unsigned char *run = (const unsigned char *)s;

	fputc('"', f);
	for (const unsigned char *p = run; *p; p++) {
		const char *esc;

		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		/* Everything up to here needs no escape: one write. */
		fwrite(run, 1, (size_t)(p - run), f);
		run = p + 1;
		switch (*p) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			fprintf(f, "\\u%04x", *p);
			continue;
		}
		fputs(esc, f);
	}
	fputs((const char *)run, f);
	fputc('"', f);
}

void mdevctl_json_write_key(FILE *f, const char *key)
{
	mdevctl_json_write_string(f, key);
	fputs(": ", f);
}

void mdevctl_json_newline_indent(FILE *f, unsigned depth)
{
	/* A newline and 16 levels of indentation: one write for the usual depths. */
	static const char spaces[] = "\n                                ";

	if (2 * (size_t)depth + 1 < sizeof(spaces)) {
		fwrite(spaces, 1, 2 * (size_t)depth + 1, f);
		return;
	}
	fputc('\n', f);
	for (unsigned i = 0; i < depth; i++)
		fputs("  ", f);
}

void mdevctl_json_config_begin(FILE *f, const char *type, const char *start, unsigned depth)
{
	fputc('{', f);
	mdevctl_json_newline_indent(f, depth + 1);
	fputs("\"mdev_type\": ", f);
	mdevctl_json_write_string(f, strempty(type));
	fputc(',', f);
	mdevctl_json_newline_indent(f, depth + 1);
	fputs("\"start\": ", f);
	mdevctl_json_write_string(f, strempty(start));
	fputc(',', f);
	mdevctl_json_newline_indent(f, depth + 1);
	fputs("\"attrs\": [", f);
}

void mdevctl_json_config_attr(FILE *f, size_t index, const char *name, const char *value,
			      unsigned depth)
{
	if (index > 0)
		fputc(',', f);
	mdevctl_json_newline_indent(f, depth + 2);
	fputc('{', f);
	mdevctl_json_newline_indent(f, depth + 3);
	mdevctl_json_write_key(f, name);
	mdevctl_json_write_string(f, value);
	mdevctl_json_newline_indent(f, depth + 2);
	fputc('}', f);
}

void mdevctl_json_config_end(FILE *f, size_t n_attrs, unsigned depth)
{
	if (n_attrs > 0)
		mdevctl_json_newline_indent(f, depth + 1);
	fputc(']', f);
	mdevctl_json_newline_indent(f, depth);
	fputc('}', f);
}

void mdevctl_json_list_entry_begin(struct mdevctl_json_list *l, const char *parent,
				   const char *uuid)
{
	bool new_parent = !l->parent || !streq(l->parent, parent);

	if (!l->parent)
		fputs("[\n  {", l->f);
	else
		fputs(new_parent ? "\n    ]," : ",", l->f);
	if (new_parent) {
		mdevctl_json_newline_indent(l->f, 2);
		mdevctl_json_write_key(l->f, parent);
		fputc('[', l->f);
	}
	l->parent = parent;
	mdevctl_json_newline_indent(l->f, 3);
	fputc('{', l->f);
	mdevctl_json_newline_indent(l->f, MDEVCTL_JSON_LIST_CONFIG_DEPTH);
	mdevctl_json_write_key(l->f, uuid);
}

void mdevctl_json_list_entry_end(struct mdevctl_json_list *l)
{
	mdevctl_json_newline_indent(l->f, 3);
	fputc('}', l->f);
}

void mdevctl_json_list_end(struct mdevctl_json_list *l)
{
	fputs(l->parent ? "\n    ]\n  }\n]" : "[]", l->f);
	l->parent = NULL;
}
