/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Resolving a listing on several threads. Contract in definition-load.h.
 *
 * The calling thread works too; up to LOAD_THREADS_MAX - 1 more start when
 * there are enough names to pay for them, one per online CPU. A thread that
 * cannot be started only leaves more work for the others. Names are handed
 * out in chunks from one atomic counter, so a thread held up by the
 * scheduler leaves its remaining chunks to the others.
 */
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "definition-load.h"

#define LOAD_THREADS_MAX 4
#define LOAD_CHUNK 32
/* Fewer names are resolved before a second thread would have started. */
#define LOAD_THREADED_MIN 256

struct load_job {
	const char *parent;
	const struct definition_listing *listing;
	struct definition_load_slot *slots;
	atomic_size_t next;
	atomic_bool oom;
};

static void *load_work(void *userdata)
{
	struct load_job *job = userdata;
	size_t n = job->listing->n;

	for (;;) {
		size_t i = atomic_fetch_add(&job->next, LOAD_CHUNK);
		size_t end = i + LOAD_CHUNK < n ? i + LOAD_CHUNK : n;

		if (i >= n || atomic_load(&job->oom))
			return NULL;
		for (; i < end; i++) {
			struct definition_load_slot *s = &job->slots[i];
			int r;

			r = definition_layers_resolve_seen(job->parent, job->listing,
							   &job->listing->v[i], &s->bad, &s->def,
							   &s->layer);
			if (r < 0) { /* only -ENOMEM */
				atomic_store(&job->oom, true);
				return NULL;
			}
		}
	}
}

static size_t load_threads(size_t n_names)
{
	long cpus;

	if (n_names < LOAD_THREADED_MIN)
		return 1;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		return 1;
	return cpus < LOAD_THREADS_MAX ? (size_t)cpus : LOAD_THREADS_MAX;
}

/*
 * json-c picks its hash seed on the first object key it hashes, unlocked;
 * hashing one on this thread first leaves the workers only reading it.
 */
static void json_seed_init(void)
{
	struct json_object *o = json_object_new_object();

	if (o)
		(void)json_object_object_add(o, "seed", NULL);
	json_object_put(o);
}

void definition_load_slots_free(struct definition_load_slot *slots, size_t n)
{
	for (size_t i = 0; slots && i < n; i++) {
		definition_free(slots[i].def);
		definition_bad_list_clear(&slots[i].bad);
	}
	free(slots);
}

int definition_load_resolve(const char *parent, const struct definition_listing *l,
			    struct definition_load_slot **ret_slots)
{
	struct load_job job = {.parent = parent, .listing = l};
	pthread_t threads[LOAD_THREADS_MAX - 1];
	size_t want = load_threads(l->n), started = 0;

	job.slots = calloc(l->n ? l->n : 1, sizeof(*job.slots));
	if (!job.slots)
		return -ENOMEM;
	if (want > 1)
		json_seed_init();
	while (started + 1 < want && pthread_create(&threads[started], NULL, load_work, &job) == 0)
		started++;
	load_work(&job);
	for (size_t t = 0; t < started; t++)
		(void)pthread_join(threads[t], NULL);
	if (atomic_load(&job.oom)) {
		definition_load_slots_free(job.slots, l->n);
		return -ENOMEM;
	}
	*ret_slots = job.slots;
	return 0;
}
