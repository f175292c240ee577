/* check_chunks.c - the chunk table's edges. */
#include "check_suites.h"

#include "base/chunks.h"

START_TEST(chunks_cover_input_with_short_last_chunk)
{
    chunk t[8];
    size_t n = chunks_fill(t, 8, 0, 10, 4, 4);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(t[0].offset, 0);
    ck_assert_uint_eq(t[0].length, 4);
    ck_assert_uint_eq(t[2].index, 2);
    ck_assert_uint_eq(t[2].offset, 8);
    ck_assert_uint_eq(t[2].length, 2);
}
END_TEST

START_TEST(chunks_exact_multiple_has_no_empty_chunk)
{
    chunk t[8];
    ck_assert_uint_eq(chunks_fill(t, 8, 0, 12, 4, 4), 3);
    ck_assert_uint_eq(t[2].length, 4);
    ck_assert_uint_eq(chunks_count(12, 4), 3);
    ck_assert_uint_eq(chunks_count(13, 4), 4);
    ck_assert_uint_eq(chunks_count(0, 4), 0);
}
END_TEST

START_TEST(chunks_empty_range_is_empty)
{
    chunk t[1];
    ck_assert_uint_eq(chunks_fill(t, 1, 5, 5, 4, 4), 0);
}
END_TEST

START_TEST(chunks_of_one_byte)
{
    chunk t[4];
    ck_assert_uint_eq(chunks_fill(t, 4, 0, 3, 1, 1), 3);
    for (uint64_t k = 0; k < 3; k++) {
        ck_assert_uint_eq(t[k].index, k);
        ck_assert_uint_eq(t[k].offset, k);
        ck_assert_uint_eq(t[k].length, 1);
    }
}
END_TEST

START_TEST(chunks_window_stops_at_max_entries)
{
    chunk t[2];
    ck_assert_uint_eq(chunks_fill(t, 2, 0, 100, 10, 10), 2);
    ck_assert_uint_eq(t[1].offset + t[1].length, 20);
}
END_TEST

START_TEST(chunks_pieces_stay_inside_their_chunk)
{
    /* A stream batch [5, 27) with chunk size 10 and pieces of at most 4 bytes. */
    chunk t[16];
    size_t n = chunks_fill(t, 16, 5, 27, 10, 4);
    uint64_t expect_off[] = {5, 9, 10, 14, 18, 20, 24};
    uint64_t expect_len[] = {4, 1, 4, 4, 2, 4, 3};
    uint64_t expect_idx[] = {0, 0, 1, 1, 1, 2, 2};
    ck_assert_uint_eq(n, 7);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(t[i].offset, expect_off[i]);
        ck_assert_uint_eq(t[i].length, expect_len[i]);
        ck_assert_uint_eq(t[i].index, expect_idx[i]);
    }
}
END_TEST

START_TEST(chunks_beyond_4_gib_use_64_bit_offsets)
{
    chunk t[4];
    uint64_t size = 5ULL << 30, s = 1ULL << 30;
    size_t n = chunks_fill(t, 4, 4ULL << 30, size + 7, s, s);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(t[0].index, 4);
    ck_assert_uint_eq(t[0].offset, 4ULL << 30);
    ck_assert_uint_eq(t[1].index, 5);
    ck_assert_uint_eq(t[1].length, 7);
    /* 2^31 chunks of 2 bytes: the index no longer fits in 32 bits. */
    ck_assert_uint_eq(chunks_fill(t, 1, 1ULL << 33, (1ULL << 33) + 2, 2, 2), 1);
    ck_assert_uint_eq(t[0].index, 1ULL << 32);
    ck_assert_uint_eq(chunks_count(1ULL << 33, 2), 1ULL << 32);
}
END_TEST

START_TEST(chunks_near_the_top_of_the_range_do_not_wrap)
{
    chunk t[2];
    uint64_t s = 1ULL << 62;
    size_t n = chunks_fill(t, 2, 3 * s, 3 * s + 100, s, s);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(t[0].index, 3);
    ck_assert_uint_eq(t[0].length, 100);
}
END_TEST

START_TEST(chunks_shares_are_contiguous_and_cover_the_table)
{
    const uint64_t sizes[] = {0, 1, 2, 3, 7, 64, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (uint64_t parts = 1; parts <= 5; parts++) {
            uint64_t next = 0;
            for (uint64_t p = 0; p < parts; p++) {
                uint64_t first, end;
                chunks_share(sizes[i], p, parts, &first, &end);
                ck_assert_uint_eq(first, next);
                ck_assert_uint_ge(end, first);
                ck_assert_uint_le(end - first, sizes[i] / parts + 1); /* near-equal */
                next = end;
            }
            ck_assert_uint_eq(next, sizes[i]);
        }
    /* 2^62 chunks over 3 parts: no overflow in the arithmetic. */
    uint64_t first, end;
    chunks_share(1ULL << 62, 2, 3, &first, &end);
    ck_assert_uint_eq(end, 1ULL << 62);
    ck_assert_uint_eq(first, (1ULL << 62) - (1ULL << 62) / 3);
}
END_TEST

Suite *chunks_suite(void)
{
    Suite *s = suite_create("chunks");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, chunks_cover_input_with_short_last_chunk);
    tcase_add_test(tc, chunks_exact_multiple_has_no_empty_chunk);
    tcase_add_test(tc, chunks_empty_range_is_empty);
    tcase_add_test(tc, chunks_of_one_byte);
    tcase_add_test(tc, chunks_window_stops_at_max_entries);
    tcase_add_test(tc, chunks_pieces_stay_inside_their_chunk);
    tcase_add_test(tc, chunks_beyond_4_gib_use_64_bit_offsets);
    tcase_add_test(tc, chunks_near_the_top_of_the_range_do_not_wrap);
    tcase_add_test(tc, chunks_shares_are_contiguous_and_cover_the_table);
    suite_add_tcase(s, tc);
    return s;
}
