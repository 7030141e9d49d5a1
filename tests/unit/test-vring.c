/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests for kmod/mvsim_vring.c, compiled in userspace against kshim/.
 *
 * The test plays the virtio driver: it lays out split rings in a simulated
 * "guest memory" made of two separate host allocations (so a buffer that
 * crosses the boundary really is discontiguous on the host), and the
 * translate callback maps guest addresses into them, refusing anything out
 * of range. Ring contents are written little-endian, as a virtio 1.x driver
 * would.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check-main.h"
#include "../../kmod/mvsim_vring.h"

#define REGION_SIZE 0x100000u /* two regions: [0, 1M) and [1M, 2M) */
#define GUEST_SIZE (2 * REGION_SIZE)
#define DESC_GPA 0x0u
#define AVAIL_GPA 0x80000u
#define USED_GPA 0x90000u
#define INDIRECT_GPA 0xc0000u
#define DATA_GPA 0xd0000u

struct guest {
	uint8_t *region[2];
	uint32_t max_map; /* if non-zero, translate maps at most this much at once */
	uint64_t ro_start, ro_end; /* [start, end): mapped read-only for the device */
	unsigned int translations;
	struct mvsim_vring vr;
	uint32_t num;
	uint16_t avail_idx; /* the driver's next avail slot */
};

static struct guest g;

static void *gptr(uint64_t gpa)
{
	ck_assert_uint_lt(gpa, GUEST_SIZE);
	return g.region[gpa / REGION_SIZE] + gpa % REGION_SIZE;
}

static void *guest_translate(void *opaque, u64 addr, u32 len, bool write, u32 *mapped)
{
	struct guest *gs = opaque;
	uint64_t left;

	gs->translations++;
	if (addr >= GUEST_SIZE)
		return NULL;
	if (write && addr < gs->ro_end && addr + len > gs->ro_start)
		return NULL;
	left = REGION_SIZE - addr % REGION_SIZE;
	if (gs->max_map && left > gs->max_map)
		left = gs->max_map;
	*mapped = len < left ? len : (u32)left;
	return gs->region[addr / REGION_SIZE] + addr % REGION_SIZE;
}

static void guest_setup(void)
{
	memset(&g, 0, sizeof(g));
	g.region[0] = aligned_alloc(4096, REGION_SIZE);
	g.region[1] = aligned_alloc(4096, REGION_SIZE);
	ck_assert_ptr_nonnull(g.region[0]);
	ck_assert_ptr_nonnull(g.region[1]);
	memset(g.region[0], 0, REGION_SIZE);
	memset(g.region[1], 0, REGION_SIZE);
}

static void guest_teardown(void)
{
	free(g.region[0]);
	free(g.region[1]);
}

static struct vring_desc *desc_table(void)
{
	return gptr(DESC_GPA);
}

static struct vring_avail *avail(void)
{
	return gptr(AVAIL_GPA);
}

static struct vring_used *used(void)
{
	return gptr(USED_GPA);
}

static void ring_setup(uint32_t num, bool event_idx)
{
	g.num = num;
	ck_assert_int_eq(mvsim_vring_setup(&g.vr, num, DESC_GPA, AVAIL_GPA, USED_GPA, event_idx,
					   guest_translate, &g),
			 0);
}

static void set_desc(struct vring_desc *table, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	table[i].addr = htole64(addr);
	table[i].len = htole32(len);
	table[i].flags = htole16(flags);
	table[i].next = htole16(next);
}

static void make_avail(uint16_t head)
{
	avail()->ring[g.avail_idx & (g.num - 1)] = htole16(head);
	g.avail_idx++;
	avail()->idx = htole16(g.avail_idx);
}

static void set_used_event(uint16_t v)
{
	avail()->ring[g.num] = htole16(v);
}

static uint16_t used_idx(void)
{
	return le16toh(used()->idx);
}

static void fill(uint64_t gpa, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		*(uint8_t *)gptr(gpa + i) = (uint8_t)(seed + i);
}

START_TEST(simple_chain)
{
	struct mvsim_vring_chain c;
	unsigned int before;

	ring_setup(16, false);
	fill(DATA_GPA, 100, 7);
	set_desc(desc_table(), 3, DATA_GPA, 100, 0, 0);
	make_avail(3);

	before = g.translations;
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	/* Ring areas were translated in setup: only the buffer is translated now. */
	ck_assert_uint_eq(g.translations - before, 1);
	ck_assert_uint_eq(c.head, 3);
	ck_assert_uint_eq(c.nout, 1);
	ck_assert_uint_eq(c.nin, 0);
	ck_assert_uint_eq(c.out_len, 100);
	ck_assert_uint_eq(c.in_len, 0);
	ck_assert_ptr_eq(c.seg[0].addr, gptr(DATA_GPA));
	ck_assert_uint_eq(c.seg[0].len, 100);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 0);

	mvsim_vring_push(&g.vr, c.head, 0);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert_uint_eq(le32toh(used()->ring[0].id), 3);
	ck_assert_uint_eq(le32toh(used()->ring[0].len), 0);
}
END_TEST

START_TEST(readable_then_writable_chain)
{
	struct mvsim_vring_chain c;

	ring_setup(16, false);
	set_desc(desc_table(), 0, DATA_GPA, 10, VRING_DESC_F_NEXT, 7);
	set_desc(desc_table(), 7, DATA_GPA + 0x100, 20, VRING_DESC_F_NEXT, 2);
	/* A zero-length descriptor is legal and contributes no segment. */
	set_desc(desc_table(), 2, DATA_GPA + 0x200, 0, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 9);
	set_desc(desc_table(), 9, DATA_GPA + 0x300, 30, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(desc_table(), 1, DATA_GPA + 0x400, 40, VRING_DESC_F_WRITE, 0);
	make_avail(0);

	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.head, 0);
	ck_assert_uint_eq(c.nout, 2);
	ck_assert_uint_eq(c.nin, 2);
	ck_assert_uint_eq(c.out_len, 30);
	ck_assert_uint_eq(c.in_len, 70);
	ck_assert_ptr_eq(c.seg[0].addr, gptr(DATA_GPA));
	ck_assert_ptr_eq(c.seg[1].addr, gptr(DATA_GPA + 0x100));
	ck_assert_ptr_eq(c.seg[2].addr, gptr(DATA_GPA + 0x300));
	ck_assert_ptr_eq(c.seg[3].addr, gptr(DATA_GPA + 0x400));
	ck_assert_uint_eq(c.seg[3].len, 40);

	mvsim_vring_push(&g.vr, c.head, 70);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert_uint_eq(le32toh(used()->ring[0].len), 70);
}
END_TEST

START_TEST(indirect_table)
{
	struct vring_desc *ind = gptr(INDIRECT_GPA);
	struct mvsim_vring_chain c;

	ring_setup(16, false);
	set_desc(ind, 0, DATA_GPA, 8, VRING_DESC_F_NEXT, 2);
	set_desc(ind, 2, DATA_GPA + 0x100, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(ind, 1, DATA_GPA + 0x200, 24, VRING_DESC_F_WRITE, 0);
	/* The WRITE flag on the descriptor naming the table is to be ignored. */
	set_desc(desc_table(), 5, INDIRECT_GPA, 3 * sizeof(struct vring_desc),
		 VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE, 0);
	make_avail(5);

	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.head, 5);
	ck_assert_uint_eq(c.nout, 1);
	ck_assert_uint_eq(c.nin, 2);
	ck_assert_uint_eq(c.out_len, 8);
	ck_assert_uint_eq(c.in_len, 40);
	ck_assert_ptr_eq(c.seg[1].addr, gptr(DATA_GPA + 0x100));
	ck_assert_ptr_eq(c.seg[2].addr, gptr(DATA_GPA + 0x200));

	/* Direct descriptors may lead into an indirect table that ends the chain. */
	set_desc(ind, 0, DATA_GPA + 0x300, 4, VRING_DESC_F_WRITE, 0);
	set_desc(desc_table(), 6, DATA_GPA, 2, VRING_DESC_F_NEXT, 8);
	set_desc(desc_table(), 8, INDIRECT_GPA, sizeof(struct vring_desc), VRING_DESC_F_INDIRECT,
		 0);
	make_avail(6);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.head, 6);
	ck_assert_uint_eq(c.nout, 1);
	ck_assert_uint_eq(c.nin, 1);
	ck_assert_uint_eq(c.in_len, 4);
}
END_TEST

START_TEST(indices_wrap_around)
{
	struct mvsim_vring_chain c;
	const uint16_t start = 65533;

	ring_setup(4, false);
	mvsim_vring_set_avail_state(&g.vr, start);
	g.avail_idx = start;
	used()->idx = htole16(start);
	for (uint16_t i = 0; i < 4; i++)
		set_desc(desc_table(), i, DATA_GPA + i * 0x100, 1, VRING_DESC_F_WRITE, 0);

	/* A full ring made available across the wrap: 65533..65535, 0. */
	for (uint16_t i = 0; i < 4; i++)
		make_avail(i);
	ck_assert_uint_eq(le16toh(avail()->idx), 1);
	for (uint16_t i = 0; i < 4; i++) {
		ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
		ck_assert_uint_eq(c.head, i);
		mvsim_vring_push(&g.vr, c.head, 1);
		ck_assert_uint_eq(used_idx(), (uint16_t)(start + i + 1));
		/* Slots are taken modulo the ring size, across the wrap too. */
		ck_assert_uint_eq(le32toh(used()->ring[(uint16_t)(start + i) % 4].id), i);
	}
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 0);
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), 1);

	make_avail(2);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.head, 2);
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), 2);
}
END_TEST

START_TEST(event_idx_used_event)
{
	struct mvsim_vring_chain c;

	ring_setup(16, true);
	for (uint16_t i = 0; i < 8; i++) {
		set_desc(desc_table(), i, DATA_GPA, 1, VRING_DESC_F_WRITE, 0);
		make_avail(i);
	}
	/* NO_INTERRUPT is meaningless with event_idx and must be ignored. */
	avail()->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);

	/*
	 * The first decision after setup always notifies, even for a used_event
	 * far away (we cannot know what the driver saw before); then nothing
	 * moved, so no second notification.
	 */
	set_used_event(100);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 1); /* used 1 */
	ck_assert(mvsim_vring_should_notify(&g.vr));
	ck_assert(!mvsim_vring_should_notify(&g.vr));

	set_used_event(1); /* "interrupt me once entry 1 is used" */
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 1); /* used 2: entry 1 now used */
	ck_assert(mvsim_vring_should_notify(&g.vr));
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 1); /* used 3: event already passed */
	ck_assert(!mvsim_vring_should_notify(&g.vr));

	set_used_event(5); /* two pushes reach entry 4 only, the third reaches 5 */
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
		mvsim_vring_push(&g.vr, c.head, 1);
	}
	ck_assert(!mvsim_vring_should_notify(&g.vr));
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 1); /* used 6 */
	ck_assert(mvsim_vring_should_notify(&g.vr));

	/* A batch that jumps over used_event still notifies once. */
	set_used_event(6);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
		mvsim_vring_push(&g.vr, c.head, 1);
	}
	ck_assert(mvsim_vring_should_notify(&g.vr));
	ck_assert(!mvsim_vring_should_notify(&g.vr));
}
END_TEST

START_TEST(event_idx_avail_event)
{
	__virtio16 *avail_event;
	struct mvsim_vring_chain c;

	ring_setup(16, true);
	avail_event = (__virtio16 *)&used()->ring[16];
	*avail_event = htole16(0xdead);
	set_desc(desc_table(), 0, DATA_GPA, 1, 0, 0);
	make_avail(0);
	make_avail(0);
	/* While there is work, the device does not ask for kicks. */
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(le16toh(*avail_event), 0xdead);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	/* Found empty: ask for a kick when entry 2 is made available. */
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 0);
	ck_assert_uint_eq(le16toh(*avail_event), 2);
}
END_TEST

/*
 * A real driver and device on two threads, with event_idx kick suppression:
 * the driver kicks only when vring_need_event() on avail_event says so, the
 * device sleeps whenever pop finds the ring empty. A lost kick (device
 * publishing avail_event without re-checking, missing barrier) shows up as
 * the device sleeping with work pending.
 */
#define RACE_CHAINS 20000u

struct race {
	sem_t kick;
	unsigned int done;
	int err;
};

static void *race_device(void *arg)
{
	struct race *r = arg;
	struct mvsim_vring_chain c;
	struct timespec ts;
	int ret;

	while (r->done < RACE_CHAINS) {
		ret = mvsim_vring_pop(&g.vr, &c);
		if (ret == 1) {
			mvsim_vring_push(&g.vr, c.head, 0);
			r->done++;
			continue;
		}
		if (ret < 0) {
			__atomic_store_n(&r->err, ret, __ATOMIC_RELAXED);
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		if (sem_timedwait(&r->kick, &ts) != 0) {
			__atomic_store_n(&r->err, -ETIMEDOUT, __ATOMIC_RELAXED);
			break;
		}
	}
	return NULL;
}

/* Chains the driver made available that the device has not used yet. */
static uint16_t in_flight(void)
{
	return g.avail_idx - le16toh(__atomic_load_n(&used()->idx, __ATOMIC_ACQUIRE));
}

START_TEST(event_idx_no_lost_kicks)
{
	__virtio16 *avail_event = (__virtio16 *)&used()->ring[16];
	struct race r = {0};
	pthread_t dev;
	uint16_t old;

	ring_setup(16, true);
	for (uint16_t i = 0; i < 16; i++)
		set_desc(desc_table(), i, DATA_GPA, 1, 0, 0);
	ck_assert_int_eq(sem_init(&r.kick, 0, 0), 0);
	ck_assert_int_eq(pthread_create(&dev, NULL, race_device, &r), 0);
	for (unsigned int i = 0; i < RACE_CHAINS; i++) {
		/* Wait for a free descriptor (and to give up if the device died). */
		while (in_flight() >= 16 && !__atomic_load_n(&r.err, __ATOMIC_RELAXED))
			sched_yield();
		if (__atomic_load_n(&r.err, __ATOMIC_RELAXED))
			break;
		avail()->ring[g.avail_idx % 16] = htole16(g.avail_idx % 16);
		old = g.avail_idx++;
		__atomic_store_n(&avail()->idx, htole16(g.avail_idx), __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (vring_need_event(le16toh(__atomic_load_n(avail_event, __ATOMIC_RELAXED)),
				     g.avail_idx, old))
			sem_post(&r.kick);
	}
	pthread_join(dev, NULL);
	sem_destroy(&r.kick);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(r.done, RACE_CHAINS);
	ck_assert_uint_eq(used_idx(), (uint16_t)RACE_CHAINS);
}
END_TEST

START_TEST(no_interrupt_flag)
{
	struct mvsim_vring_chain c;

	ring_setup(8, false);
	set_desc(desc_table(), 0, DATA_GPA, 1, 0, 0);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 0);
	ck_assert(mvsim_vring_should_notify(&g.vr));
	avail()->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	ck_assert(!mvsim_vring_should_notify(&g.vr));
	avail()->flags = 0;
	ck_assert(mvsim_vring_should_notify(&g.vr));
}
END_TEST

/* Pop must refuse the chain at @head with @err and leave it unconsumed. */
static void assert_refused(uint16_t head, int err)
{
	struct mvsim_vring_chain c;
	uint16_t before = mvsim_vring_get_avail_state(&g.vr);

	make_avail(head);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), err);
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), before);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), err);
}

START_TEST(malformed_loop)
{
	ring_setup(8, false);
	set_desc(desc_table(), 0, DATA_GPA, 1, VRING_DESC_F_NEXT, 1);
	set_desc(desc_table(), 1, DATA_GPA, 1, VRING_DESC_F_NEXT, 2);
	set_desc(desc_table(), 2, DATA_GPA, 1, VRING_DESC_F_NEXT, 0);
	assert_refused(0, -EINVAL);
}
END_TEST

START_TEST(malformed_zero_length_self_loop)
{
	/* No segments are produced, so only the visit count can stop this. */
	ring_setup(8, false);
	set_desc(desc_table(), 4, DATA_GPA, 0, VRING_DESC_F_NEXT, 4);
	assert_refused(4, -EINVAL);
}
END_TEST

START_TEST(malformed_indirect_loop)
{
	struct vring_desc *ind = gptr(INDIRECT_GPA);

	ring_setup(8, false);
	for (uint16_t i = 0; i < 4; i++)
		set_desc(ind, i, DATA_GPA, 0, VRING_DESC_F_NEXT, (i + 1) % 4);
	set_desc(desc_table(), 0, INDIRECT_GPA, 4 * sizeof(struct vring_desc),
		 VRING_DESC_F_INDIRECT, 0);
	assert_refused(0, -EINVAL);
}
END_TEST

START_TEST(chain_length_limits)
{
	struct mvsim_vring_chain c;

	/* A chain may use the whole table ... */
	ring_setup(64, false);
	for (uint16_t i = 0; i < 64; i++)
		set_desc(desc_table(), i, DATA_GPA + i, 1, i < 63 ? VRING_DESC_F_NEXT : 0, i + 1);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.nout, MVSIM_VRING_MAX_SEGS);
	ck_assert_uint_eq(c.out_len, 64);

	/* ... but not need more than MVSIM_VRING_MAX_SEGS segments. */
	ring_setup(128, false);
	g.avail_idx = 0;
	for (uint16_t i = 0; i < 65; i++)
		set_desc(desc_table(), i, DATA_GPA + i, 1, i < 64 ? VRING_DESC_F_NEXT : 0, i + 1);
	assert_refused(0, -EINVAL);
}
END_TEST

START_TEST(malformed_bad_head_and_next)
{
	ring_setup(8, false);
	assert_refused(8, -EINVAL);
	avail()->idx = 0;
	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(desc_table(), 0, DATA_GPA, 1, VRING_DESC_F_NEXT, 8);
	assert_refused(0, -EINVAL);
}
END_TEST

START_TEST(malformed_address_refused)
{
	struct vring_desc *ind = gptr(INDIRECT_GPA);

	ring_setup(8, false);
	set_desc(desc_table(), 0, GUEST_SIZE, 1, 0, 0);
	assert_refused(0, -EFAULT);

	ring_setup(8, false);
	g.avail_idx = 0;
	/* Starts mapped, runs off the end of guest memory. */
	set_desc(desc_table(), 0, GUEST_SIZE - 4, 8, 0, 0);
	assert_refused(0, -EFAULT);

	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(desc_table(), 0, UINT64_MAX - 2, 8, 0, 0);
	assert_refused(0, -EFAULT);

	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(ind, 0, DATA_GPA, 1, 0, 0);
	set_desc(desc_table(), 0, GUEST_SIZE + INDIRECT_GPA, sizeof(struct vring_desc),
		 VRING_DESC_F_INDIRECT, 0);
	assert_refused(0, -EFAULT);
}
END_TEST

/* A device-writable buffer, or the used ring, in memory mapped read-only. */
START_TEST(read_only_memory_refused_for_writes)
{
	struct mvsim_vring_chain c;

	g.ro_start = DATA_GPA;
	g.ro_end = DATA_GPA + 0x1000;
	ring_setup(8, false);
	/* Reading it is fine. */
	set_desc(desc_table(), 0, DATA_GPA, 64, 0, 0);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 0);
	/* Writing it is not, even when only the tail overlaps. */
	set_desc(desc_table(), 1, DATA_GPA - 16, 64, VRING_DESC_F_WRITE, 0);
	make_avail(1);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), -EFAULT);

	g.ro_start = USED_GPA;
	g.ro_end = USED_GPA + 8;
	ck_assert_int_eq(mvsim_vring_setup(&g.vr, 8, DESC_GPA, AVAIL_GPA, USED_GPA, false,
					   guest_translate, &g),
			 -EFAULT);
	/* Read-only descriptor table and available ring are what a driver gives. */
	g.ro_start = DESC_GPA;
	g.ro_end = USED_GPA;
	ck_assert_int_eq(mvsim_vring_setup(&g.vr, 8, DESC_GPA, AVAIL_GPA, USED_GPA, false,
					   guest_translate, &g),
			 0);
}
END_TEST

/* A remap (the IOTLB changed) keeps the indices, or detaches when unmapped. */
START_TEST(remap_keeps_state)
{
	struct mvsim_vring_chain c;

	ring_setup(8, true);
	set_desc(desc_table(), 0, DATA_GPA, 64, 0, 0);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 0);
	ck_assert_int_eq(mvsim_vring_remap(&g.vr, DESC_GPA, AVAIL_GPA, USED_GPA), 0);
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), 1);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	mvsim_vring_push(&g.vr, c.head, 0);
	ck_assert_uint_eq(used_idx(), 2);

	/* The used ring became read-only: the ring is detached, nothing pops. */
	g.ro_start = USED_GPA;
	g.ro_end = USED_GPA + 8;
	ck_assert_int_eq(mvsim_vring_remap(&g.vr, DESC_GPA, AVAIL_GPA, USED_GPA), -EFAULT);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 0);
	ck_assert_uint_eq(g.vr.num, 0);
}
END_TEST

START_TEST(malformed_writable_then_readable)
{
	struct vring_desc *ind = gptr(INDIRECT_GPA);

	ring_setup(8, false);
	set_desc(desc_table(), 0, DATA_GPA, 4, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(desc_table(), 1, DATA_GPA, 4, 0, 0);
	assert_refused(0, -EINVAL);

	/* The order holds across the direct/indirect boundary too. */
	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(ind, 0, DATA_GPA, 4, 0, 0);
	set_desc(desc_table(), 0, DATA_GPA, 4, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(desc_table(), 1, INDIRECT_GPA, sizeof(struct vring_desc), VRING_DESC_F_INDIRECT,
		 0);
	assert_refused(0, -EINVAL);
}
END_TEST

START_TEST(malformed_indirect)
{
	struct vring_desc *ind = gptr(INDIRECT_GPA);

	/* Nested indirect, refused even though the inner table itself is fine. */
	ring_setup(8, false);
	set_desc(ind, 0, DATA_GPA, 4, VRING_DESC_F_NEXT, 1);
	set_desc(ind, 1, INDIRECT_GPA + 0x100, sizeof(struct vring_desc), VRING_DESC_F_INDIRECT, 0);
	set_desc(gptr(INDIRECT_GPA + 0x100), 0, DATA_GPA, 4, 0, 0);
	set_desc(desc_table(), 0, INDIRECT_GPA, 2 * sizeof(struct vring_desc),
		 VRING_DESC_F_INDIRECT, 0);
	assert_refused(0, -EINVAL);

	/* INDIRECT together with NEXT. */
	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(ind, 0, DATA_GPA, 4, 0, 0);
	set_desc(desc_table(), 0, INDIRECT_GPA, sizeof(struct vring_desc),
		 VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	set_desc(desc_table(), 1, DATA_GPA, 4, 0, 0);
	assert_refused(0, -EINVAL);

	/* Table length not a whole number of descriptors, or empty. */
	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(desc_table(), 0, INDIRECT_GPA, 17, VRING_DESC_F_INDIRECT, 0);
	assert_refused(0, -EINVAL);
	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(desc_table(), 0, INDIRECT_GPA, 0, VRING_DESC_F_INDIRECT, 0);
	assert_refused(0, -EINVAL);

	/* A table longer than any queue could be is refused unread. */
	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(gptr(REGION_SIZE), 0, DATA_GPA, 4, 0, 0);
	set_desc(desc_table(), 0, REGION_SIZE,
		 (MVSIM_VRING_MAX_NUM + 1) * sizeof(struct vring_desc), VRING_DESC_F_INDIRECT, 0);
	assert_refused(0, -EINVAL);

	/* Next index outside the indirect table. */
	ring_setup(8, false);
	g.avail_idx = 0;
	set_desc(ind, 0, DATA_GPA, 4, VRING_DESC_F_NEXT, 1);
	set_desc(desc_table(), 0, INDIRECT_GPA, sizeof(struct vring_desc), VRING_DESC_F_INDIRECT,
		 0);
	assert_refused(0, -EINVAL);
}
END_TEST

START_TEST(malformed_avail_idx_jump)
{
	struct mvsim_vring_chain c;

	ring_setup(8, false);
	set_desc(desc_table(), 0, DATA_GPA, 1, 0, 0);
	for (int i = 0; i < 8; i++)
		avail()->ring[i] = 0;
	avail()->idx = htole16(9);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), -EINVAL);
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), 0);
	/* Exactly one full ring ahead is fine. */
	avail()->idx = htole16(8);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	/* "Behind" us is a jump of nearly 65536 ahead. */
	avail()->idx = htole16(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), -EINVAL);
}
END_TEST

START_TEST(chain_read_write)
{
	static const uint32_t lens[] = {5, 7, 11, 4, 9};
	struct mvsim_vring_chain c;
	uint8_t buf[64], want[64];
	uint64_t gpa = DATA_GPA;

	ring_setup(8, false);
	for (uint16_t i = 0; i < 5; i++) {
		set_desc(desc_table(), i, gpa, lens[i],
			 (i < 4 ? VRING_DESC_F_NEXT : 0) | (i >= 3 ? VRING_DESC_F_WRITE : 0),
			 i + 1);
		gpa += 0x100;
	}
	fill(DATA_GPA, 5, 0);
	fill(DATA_GPA + 0x100, 7, 5);
	fill(DATA_GPA + 0x200, 11, 12);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.out_len, 23);
	ck_assert_uint_eq(c.in_len, 13);

	/* The readable part reads as bytes 0..22, whatever the segment borders. */
	ck_assert_uint_eq(mvsim_vring_chain_read(&c, 0, buf, 23), 23);
	for (int i = 0; i < 23; i++)
		ck_assert_uint_eq(buf[i], i);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_uint_eq(mvsim_vring_chain_read(&c, 3, buf, 10), 10);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(buf[i], 3 + i);
	ck_assert_uint_eq(buf[10], 0xff);
	ck_assert_uint_eq(mvsim_vring_chain_read(&c, 20, buf, 10), 3);
	ck_assert_uint_eq(buf[2], 22);
	ck_assert_uint_eq(mvsim_vring_chain_read(&c, 23, buf, 10), 0);
	ck_assert_uint_eq(mvsim_vring_chain_read(&c, 100, buf, 10), 0);

	/* Writes land in the writable part only, split at its border. */
	for (int i = 0; i < 64; i++)
		want[i] = (uint8_t)(0x80 + i);
	ck_assert_uint_eq(mvsim_vring_chain_write(&c, 2, want, 6), 6);
	ck_assert_mem_eq(gptr(DATA_GPA + 0x300 + 2), want, 2);
	ck_assert_mem_eq(gptr(DATA_GPA + 0x400), want + 2, 4);
	ck_assert_uint_eq(*(uint8_t *)gptr(DATA_GPA + 0x400 + 4), 0);
	ck_assert_uint_eq(mvsim_vring_chain_write(&c, 10, want, 64), 3);
	ck_assert_mem_eq(gptr(DATA_GPA + 0x400 + 6), want, 3);
	/* The readable buffers were not touched. */
	ck_assert_uint_eq(mvsim_vring_chain_read(&c, 0, buf, 23), 23);
	for (int i = 0; i < 23; i++)
		ck_assert_uint_eq(buf[i], i);
}
END_TEST

START_TEST(buffer_split_across_mappings)
{
	struct mvsim_vring_chain c;
	uint8_t buf[64];

	ring_setup(8, false);
	/* 10 bytes at the end of region 0, 20 at the start of region 1. */
	fill(REGION_SIZE - 10, 30, 1);
	set_desc(desc_table(), 0, REGION_SIZE - 10, 30, VRING_DESC_F_NEXT, 1);
	set_desc(desc_table(), 1, REGION_SIZE - 4, 8, VRING_DESC_F_WRITE, 0);
	make_avail(0);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.nout, 2);
	ck_assert_uint_eq(c.nin, 2);
	ck_assert_uint_eq(c.out_len, 30);
	ck_assert_ptr_eq(c.seg[0].addr, gptr(REGION_SIZE - 10));
	ck_assert_uint_eq(c.seg[0].len, 10);
	ck_assert_ptr_eq(c.seg[1].addr, gptr(REGION_SIZE));
	ck_assert_uint_eq(c.seg[1].len, 20);
	ck_assert_uint_eq(mvsim_vring_chain_read(&c, 0, buf, sizeof(buf)), 30);
	for (int i = 0; i < 30; i++)
		ck_assert_uint_eq(buf[i], 1 + i);

	ck_assert_uint_eq(mvsim_vring_chain_write(&c, 0, "abcdefgh", 8), 8);
	ck_assert_mem_eq(gptr(REGION_SIZE - 4), "abcd", 4);
	ck_assert_mem_eq(gptr(REGION_SIZE), "efgh", 4);

	/* A buffer fragmented beyond MVSIM_VRING_MAX_SEGS is refused. */
	g.max_map = 2;
	set_desc(desc_table(), 2, DATA_GPA, 2 * MVSIM_VRING_MAX_SEGS, 0, 0);
	make_avail(2);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.nout, MVSIM_VRING_MAX_SEGS);
	set_desc(desc_table(), 3, DATA_GPA, 2 * MVSIM_VRING_MAX_SEGS + 1, 0, 0);
	assert_refused(3, -EINVAL);
}
END_TEST

START_TEST(avail_state)
{
	struct mvsim_vring_chain c;

	ring_setup(16, true);
	mvsim_vring_set_avail_state(&g.vr, 1234);
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), 1234);
	g.avail_idx = 1234;
	set_desc(desc_table(), 6, DATA_GPA, 1, 0, 0);
	make_avail(6);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 1);
	ck_assert_uint_eq(c.head, 6);
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), 1235);
	/* The used index resumes where the avail index did. */
	mvsim_vring_push(&g.vr, c.head, 0);
	ck_assert_uint_eq(used_idx(), 1235);
	ck_assert_uint_eq(le32toh(used()->ring[1234 % 16].id), 6);
	ck_assert(mvsim_vring_should_notify(&g.vr));
}
END_TEST

START_TEST(setup_validation)
{
	struct mvsim_vring vr;

	memset(&vr, 0x5a, sizeof(vr));
	ck_assert_int_eq(
	    mvsim_vring_setup(&vr, 0, DESC_GPA, AVAIL_GPA, USED_GPA, false, guest_translate, &g),
	    -EINVAL);
	ck_assert_int_eq(
	    mvsim_vring_setup(&vr, 24, DESC_GPA, AVAIL_GPA, USED_GPA, false, guest_translate, &g),
	    -EINVAL);
	ck_assert_int_eq(mvsim_vring_setup(&vr, 65536, DESC_GPA, AVAIL_GPA, USED_GPA, false,
					   guest_translate, &g),
			 -EINVAL);
	ck_assert_int_eq(mvsim_vring_setup(&vr, 8, DESC_GPA, AVAIL_GPA, USED_GPA, false, NULL, &g),
			 -EINVAL);
	/* Misaligned areas. */
	ck_assert_int_eq(mvsim_vring_setup(&vr, 8, DESC_GPA + 8, AVAIL_GPA, USED_GPA, false,
					   guest_translate, &g),
			 -EFAULT);
	ck_assert_int_eq(mvsim_vring_setup(&vr, 8, DESC_GPA, AVAIL_GPA + 1, USED_GPA, false,
					   guest_translate, &g),
			 -EFAULT);
	ck_assert_int_eq(mvsim_vring_setup(&vr, 8, DESC_GPA, AVAIL_GPA, USED_GPA + 2, false,
					   guest_translate, &g),
			 -EFAULT);
	/* Unmapped, or crossing into another mapping (not contiguous). */
	ck_assert_int_eq(
	    mvsim_vring_setup(&vr, 8, GUEST_SIZE, AVAIL_GPA, USED_GPA, false, guest_translate, &g),
	    -EFAULT);
	ck_assert_int_eq(mvsim_vring_setup(&vr, 8, DESC_GPA, AVAIL_GPA, REGION_SIZE - 64, false,
					   guest_translate, &g),
			 -EFAULT);
	ck_assert_int_eq(mvsim_vring_setup(&vr, 8, DESC_GPA, REGION_SIZE - 16, USED_GPA, false,
					   guest_translate, &g),
			 -EFAULT);
	ck_assert_int_eq(mvsim_vring_setup(&vr, 8, UINT64_MAX & ~15ull, AVAIL_GPA, USED_GPA, false,
					   guest_translate, &g),
			 -EFAULT);
	/* Failures leave the ring untouched. */
	for (size_t i = 0; i < sizeof(vr); i++)
		ck_assert_uint_eq(((uint8_t *)&vr)[i], 0x5a);

	/* The largest ring, its used ring ending 2 bytes before a mapping's end. */
	ck_assert_int_eq(mvsim_vring_setup(&vr, MVSIM_VRING_MAX_NUM, DESC_GPA, AVAIL_GPA + 0x10000,
					   REGION_SIZE - (6 + 8 * MVSIM_VRING_MAX_NUM) - 2, false,
					   guest_translate, &g),
			 0);
}
END_TEST

START_TEST(reset_detaches)
{
	struct mvsim_vring_chain c;

	ring_setup(8, true);
	set_desc(desc_table(), 0, DATA_GPA, 1, 0, 0);
	make_avail(0);
	mvsim_vring_reset(&g.vr);
	ck_assert_int_eq(mvsim_vring_pop(&g.vr, &c), 0);
	mvsim_vring_push(&g.vr, 0, 0);
	ck_assert_uint_eq(used_idx(), 0);
	ck_assert(!mvsim_vring_should_notify(&g.vr));
	ck_assert_uint_eq(mvsim_vring_get_avail_state(&g.vr), 0);
}
END_TEST

static Suite *vring_suite(void)
{
	Suite *s = suite_create("vring");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, guest_setup, guest_teardown);
	tcase_add_test(tc, simple_chain);
	tcase_add_test(tc, readable_then_writable_chain);
	tcase_add_test(tc, indirect_table);
	tcase_add_test(tc, indices_wrap_around);
	tcase_add_test(tc, event_idx_used_event);
	tcase_add_test(tc, event_idx_avail_event);
	tcase_add_test(tc, event_idx_no_lost_kicks);
	tcase_add_test(tc, no_interrupt_flag);
	tcase_add_test(tc, malformed_loop);
	tcase_add_test(tc, malformed_zero_length_self_loop);
	tcase_add_test(tc, malformed_indirect_loop);
	tcase_add_test(tc, chain_length_limits);
	tcase_add_test(tc, malformed_bad_head_and_next);
	tcase_add_test(tc, malformed_address_refused);
	tcase_add_test(tc, malformed_writable_then_readable);
	tcase_add_test(tc, read_only_memory_refused_for_writes);
	tcase_add_test(tc, remap_keeps_state);
	tcase_add_test(tc, malformed_indirect);
	tcase_add_test(tc, malformed_avail_idx_jump);
	tcase_add_test(tc, chain_read_write);
	tcase_add_test(tc, buffer_split_across_mappings);
	tcase_add_test(tc, avail_state);
	tcase_add_test(tc, setup_validation);
	tcase_add_test(tc, reset_detaches);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(vring_suite)
