// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite passthru_bounds: every bound that user input reaches,
 * compared with a reference model on a grid of edge values.
 *
 * The models are written for clarity, not speed: they compute in 128 bits,
 * where nothing wraps, and say what the rule is in one expression.  The
 * grid takes every edge of a case (0, the region's end, each excluded
 * range's first and last byte, the page-widened holes, 2^63, U64_MAX) and
 * the values a byte and a page either side of it, for positions and for
 * lengths; the functions and their models must agree on every pair.
 */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "passthru_priv.h"

/* 128 bits, where no sum of two u64 wraps. */
#define u128 unsigned __int128

#define GRID_MAX 160

struct grid {
	u64 v[GRID_MAX];
	unsigned int n;
};

static void grid_add(struct grid *g, u64 v)
{
	unsigned int i;

	for (i = 0; i < g->n; i++)
		if (g->v[i] == v)
			return;
	if (g->n < GRID_MAX)
		g->v[g->n++] = v;
}

/* @e and its neighbours: a byte and a page either side (wrapping). */
static void grid_edge(struct grid *g, u64 e)
{
	grid_add(g, e);
	grid_add(g, e + 1);
	grid_add(g, e - 1);
	grid_add(g, e + PAGE_SIZE);
	grid_add(g, e - PAGE_SIZE);
	grid_add(g, e + PAGE_SIZE + 1);
	grid_add(g, e - PAGE_SIZE - 1);
}

static void grid_common(struct grid *g)
{
	grid_edge(g, 0);
	grid_edge(g, U64_MAX);
	grid_edge(g, U64_MAX & PAGE_MASK);
	grid_edge(g, 1ULL << 63);
	grid_edge(g, PASSTHRU_REGION_OFFSET(1));
}

/* The grid of a layout: its end and the edges of its excluded ranges. */
static void grid_layout(struct grid *g, const struct passthru_layout *l)
{
	unsigned int i;

	g->n = 0;
	grid_common(g);
	grid_edge(g, l->size);
	for (i = 0; i < l->nexcl; i++) {
		grid_edge(g, l->excl[i].start);
		grid_edge(g, l->excl[i].last);
		grid_edge(g, round_down(l->excl[i].start, PAGE_SIZE));
		grid_edge(g, round_up(l->excl[i].last + 1, PAGE_SIZE));
	}
}

/* Model: does [pos, pos + len) touch an excluded byte? */
static bool model_excluded(const struct passthru_layout *l, u64 pos, u64 len)
{
	u128 end = (u128)pos + len;
	unsigned int i;

	for (i = 0; i < l->nexcl; i++)
		if (pos <= l->excl[i].last && l->excl[i].start < end)
			return true;
	return false;
}

/*
 * Model: may [pos, pos + len) be mapped?  Whole pages, inside the region,
 * and no page of it holds an excluded byte.
 */
static bool model_mmap_ok(const struct passthru_layout *l, u64 pos, u64 len)
{
	u128 end = (u128)pos + len;
	unsigned int i;

	if (!(l->caps & PASSTHRU_REGION_MMAP) || !len ||
	    (pos | len) % PAGE_SIZE || end > l->size)
		return false;
	for (i = 0; i < l->nexcl; i++) {
		u128 hole = round_down(l->excl[i].start, PAGE_SIZE);
		u128 hole_end = round_up((u128)l->excl[i].last + 1, PAGE_SIZE);

		if (pos < hole_end && hole < end)
			return false;
	}
	return true;
}

struct layout_case {
	const char *desc;
	u64 size;
	u32 caps;
	unsigned int nexcl;
	u64 excl[PASSTHRU_MAX_EXCLUDED][2];	/* start, bytes */
};

#define MAPPABLE (PASSTHRU_REGION_READ | PASSTHRU_REGION_MMAP)

static const struct layout_case layout_cases[] = {
	{ "one page", SZ_4K, MAPPABLE, 0 },
	{ "1 MiB BAR", SZ_1M, MAPPABLE, 0 },
	{ "16 KiB with MSI-X table and PBA", SZ_16K, MAPPABLE, 2,
	  { { 0x2000, 64 * 16 }, { 0x3800, 8 } } },
	{ "table in the first page, PBA in the last", SZ_16K, MAPPABLE, 2,
	  { { 0x3ff8, 8 }, { 0, 16 } } },
	{ "table and PBA in one page", SZ_64K, MAPPABLE, 2,
	  { { 0x8000, 0x100 }, { 0x8800, 8 } } },
	{ "table across pages", SZ_64K, MAPPABLE, 1, { { 0x1ff0, 0x20 } } },
	{ "256 GiB BAR ending at the top", (256ULL << 30), MAPPABLE, 1,
	  { { (256ULL << 30) - 8, 8 } } },
	{ "not mappable", SZ_1M, PASSTHRU_REGION_READ, 0 },
	{ "not a page multiple", SZ_4K + 0x800, MAPPABLE, 0 },
	{ "absent", 0, 0, 0 },
};

static void layout_case_desc(const struct layout_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_case_desc);

static void make_layout(const struct layout_case *c, struct passthru_layout *l)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->size = c->size;
	l->caps = c->caps;
	for (i = 0; i < c->nexcl; i++)
		passthru_layout_exclude(l, c->excl[i][0], c->excl[i][1]);
}

/* Report the first disagreement only: a grid has thousands of pairs. */
static void agree(struct kunit *test, unsigned int *bad, const char *what,
		  u64 pos, u64 len, long got, long want)
{
	if (got != want && !(*bad)++)
		KUNIT_FAIL(test, "%s(%#llx, %#llx): %ld, model %ld", what, pos,
			   len, got, want);
}

static void layout_mmap_ok_matches_model(struct kunit *test)
{
	struct passthru_layout l;
	struct grid *g;
	unsigned int i, j, bad = 0, yes = 0;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	make_layout(test->param_value, &l);
	grid_layout(g, &l);
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->n; j++) {
			u64 pos = g->v[i], len = g->v[j];
			bool want = model_mmap_ok(&l, pos, len);

			agree(test, &bad, "mmap_ok", pos, len,
			      passthru_layout_mmap_ok(&l, pos, len), want);
			yes += want;
			/* The same, with lengths that end at the top. */
			len = -pos;
			agree(test, &bad, "mmap_ok", pos, len,
			      passthru_layout_mmap_ok(&l, pos, len),
			      model_mmap_ok(&l, pos, len));
		}
	}
	/* The grid reaches the accepting side, where the region has one. */
	if (model_mmap_ok(&l, 0, PAGE_SIZE))
		KUNIT_EXPECT_GT(test, yes, 0U);
}

static void layout_excluded_matches_model(struct kunit *test)
{
	struct passthru_layout l;
	struct grid *g;
	unsigned int i, j, bad = 0;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	make_layout(test->param_value, &l);
	grid_layout(g, &l);
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->n; j++) {
			u64 pos = g->v[i], len = g->v[j];

			/* Callers never pass 0 bytes or a wrapping range. */
			if (!len || (u128)pos + len > (u128)U64_MAX + 1)
				continue;
			agree(test, &bad, "excluded", pos, len,
			      passthru_layout_excluded(&l, pos, len),
			      model_excluded(&l, pos, len));
		}
	}
}

/*
 * The areas: sorted, disjoint, page-aligned, inside the region, clear of
 * every hole, and together every mappable page (checked page by page on
 * regions small enough to walk).
 */
static void layout_areas_match_model(struct kunit *test)
{
	struct passthru_region_area a[PASSTHRU_MAX_EXCLUDED + 1];
	struct passthru_layout l;
	unsigned int n, i;
	u64 p;

	make_layout(test->param_value, &l);
	n = passthru_layout_areas(&l, a, ARRAY_SIZE(a));
	KUNIT_ASSERT_LE(test, n, (unsigned int)ARRAY_SIZE(a));
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, a[i].offset % PAGE_SIZE, 0ULL);
		KUNIT_EXPECT_GT(test, a[i].size, 0ULL);
		KUNIT_EXPECT_LE(test, (u128)a[i].offset + a[i].size, (u128)l.size);
		if (i)
			KUNIT_EXPECT_GT(test, a[i].offset,
					a[i - 1].offset + a[i - 1].size);
		KUNIT_EXPECT_FALSE(test, model_excluded(&l, a[i].offset,
							round_up(a[i].size, PAGE_SIZE)));
	}
	if (l.size > SZ_1M)
		return;
	for (p = 0; p + PAGE_SIZE <= l.size; p += PAGE_SIZE) {
		bool in = false;

		for (i = 0; i < n; i++)
			in |= p >= a[i].offset && p < a[i].offset + a[i].size;
		KUNIT_EXPECT_EQ_MSG(test, in, model_mmap_ok(&l, p, PAGE_SIZE),
				    "page %#llx", p);
	}
}

/* Model: a transfer at @pos of @count bytes moves min(count, size - pos). */
static void layout_clamp_matches_model(struct kunit *test)
{
	struct passthru_layout l;
	struct grid *g;
	unsigned int i, j, bad = 0;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	make_layout(test->param_value, &l);
	grid_layout(g, &l);
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->n; j++) {
			u64 pos = g->v[i];
			size_t count = g->v[j], n = 0;
			int ret = passthru_layout_clamp(&l, pos, count, &n);
			bool inside = pos < l.size;

			agree(test, &bad, "clamp", pos, (u64)count, ret,
			      inside ? 0 : -EINVAL);
			if (inside)
				agree(test, &bad, "clamp n", pos,
				      (u64)count, n == min_t(u128, count,
				      (u128)l.size - pos), 1);
		}
	}
}

static void region_decode_matches_model(struct kunit *test)
{
	unsigned int i, index, bad = 0;
	struct grid *g;
	u64 pos;
	int r;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	grid_common(g);
	for (r = 0; r <= PASSTHRU_NUM_REGIONS; r++)
		grid_edge(g, PASSTHRU_REGION_OFFSET((u64)r));
	for (i = 0; i < g->n; i++) {
		u64 off = g->v[i];
		u128 want = off / PASSTHRU_REGION_OFFSET(1ULL);
		int ret = passthru_region_decode(off, &index, &pos);

		agree(test, &bad, "decode", off, 0ULL, ret,
		      want < PASSTHRU_NUM_REGIONS ? 0 : -EINVAL);
		if (!ret)
			agree(test, &bad, "decode index", off, 0ULL,
			      index == want &&
			      pos == off % PASSTHRU_REGION_OFFSET(1ULL), 1);
	}
}

/* Model of passthru_span(): an aligned, non-empty range that does not wrap. */
static int model_span(u64 start, u64 length, u64 align)
{
	if (!length || start % align || length % align)
		return -EINVAL;
	if ((u128)start + length - 1 > U64_MAX)
		return -EOVERFLOW;
	return 0;
}

static void span_matches_model(struct kunit *test)
{
	static const u64 aligns[] = { 1, PAGE_SIZE, SZ_2M };
	unsigned int i, j, k, bad = 0;
	struct grid *g;
	u64 last;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	grid_common(g);
	grid_edge(g, SZ_4G);
	grid_edge(g, SZ_2M);
	for (k = 0; k < ARRAY_SIZE(aligns); k++) {
		for (i = 0; i < g->n; i++) {
			for (j = 0; j < g->n; j++) {
				u64 s = g->v[i], len = g->v[j];
				int want = model_span(s, len, aligns[k]);
				int ret = passthru_span(s, len, aligns[k], &last);

				agree(test, &bad, "span", s, len, ret, want);
				if (!ret && !want)
					agree(test, &bad, "span last", s, len,
					      last == s + len - 1, 1);
			}
		}
	}
}

/* Usable ranges with holes: contain() against "some range holds it". */
static void ranges_contain_matches_model(struct kunit *test)
{
	struct passthru_ranges rs;
	unsigned int i, j, k, bad = 0;
	struct grid *g;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	KUNIT_ASSERT_EQ(test, passthru_ranges_init(&rs, 0, (1ULL << 39) - 1), 0);
	KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0xfee00000, 0xfeefffff), 0);
	KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0, PAGE_SIZE - 1), 0);
	grid_common(g);
	grid_edge(g, 0xfee00000);
	grid_edge(g, 0xfef00000);
	grid_edge(g, 1ULL << 39);
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->n; j++) {
			u64 s = g->v[i], l = g->v[j];
			bool want = false;

			if (s > l)
				continue;
			for (k = 0; k < rs.n; k++)
				want |= s >= rs.r[k].start && l <= rs.r[k].last;
			agree(test, &bad, "contain", s, l,
			      passthru_ranges_contain(&rs, s, l), want);
		}
	}
	passthru_ranges_free(&rs);
}

static struct kunit_case passthru_bounds_cases[] = {
	KUNIT_CASE_PARAM(layout_mmap_ok_matches_model, layout_gen_params),
	KUNIT_CASE_PARAM(layout_excluded_matches_model, layout_gen_params),
	KUNIT_CASE_PARAM(layout_areas_match_model, layout_gen_params),
	KUNIT_CASE_PARAM(layout_clamp_matches_model, layout_gen_params),
	KUNIT_CASE(region_decode_matches_model),
	KUNIT_CASE(span_matches_model),
	KUNIT_CASE(ranges_contain_matches_model),
	{}
};

static struct kunit_suite passthru_bounds_suite = {
	.name = "passthru_bounds",
	.test_cases = passthru_bounds_cases,
};

kunit_test_suites(&passthru_bounds_suite);
