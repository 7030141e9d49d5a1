/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One definition file on disk, without any index: read it within the limits
 * (recognising a /dev/null mask), and write, mask or unlink it atomically and
 * durably; sweep the temporary files of writes a crash interrupted. Paths are
 * real paths (already under the root). Internal to the definition store.
 */
#pragma once

#include "definition-store.h"

enum definition_file_state {
	DEFINITION_FILE_ABSENT,
	DEFINITION_FILE_MASKED,
	DEFINITION_FILE_DEFINED,
};

/* The path /dev/null masks are symlinks to. */
#define DEFINITION_MASK_TARGET "/dev/null"

/*
 * Read the definition file @path of @parent/@uuid. Returns a
 * definition_file_state (*ret set only for DEFINED), or a negative errno if
 * the file is bad, with the reason in *ret_error (when not -ENOMEM).
 */
int definition_file_read(const char *path, const char *parent, const char *uuid,
			 struct definition **ret, char **ret_error);
/*
 * The same for an entry a directory listing (@dir_fd open on it) showed as a
 * regular file, read relative to the directory in four system calls. Only a
 * regular file is read: if @name is anything else by now (gone, a symlink,
 * a FIFO), -ESTALE without a reason tells the caller to read it by path.
 */
int definition_file_read_at(int dir_fd, const char *name, const char *parent, const char *uuid,
			    struct definition **ret, char **ret_error);
/* 1 if something (of any type) is at @path, 0 if not, negative errno otherwise. */
int definition_file_exists(const char *path);

/* mkdir -p with mode 0755; each directory created is made durable in its parent. */
int definition_dir_create(const char *path);
/*
 * Replace @dir/@name by a 0644 file holding @data: temp file, fsync, rename,
 * fsync @dir; @dir is made (definition_dir_create) only when it is missing.
 */
int definition_file_write(const char *dir, const char *name, const char *data, size_t size);
/* Replace @dir/@name by a symlink to /dev/null, atomically and durably (@dir made if missing). */
int definition_file_mask(const char *dir, const char *name);
/* Unlink @dir/@name and fsync @dir; -ENOENT if it was not there. */
int definition_file_unlink(const char *dir, const char *name);

/* True if @name is exactly what _write() and _mask() name their temporary files. */
bool definition_file_is_temp_name(const char *name);
/*
 * Remove the temporary files interrupted writes left in the layer directory
 * @layer_dir: entries named as definition_file_is_temp_name() says, that are
 * regular files or symlinks, directly in a <parent> subdirectory whose name
 * is valid. No symlink is followed: if @layer_dir or a <parent> is one, it is
 * not entered, and a temporary file that is a symlink is unlinked itself. @fn
 * hears each path removed (error 0) or that could not be (negative errno).
 * Returns the number removed; -ENOMEM is the only failure.
 */
int definition_dir_remove_temp(const char *layer_dir, definition_temp_fn fn, void *userdata);
