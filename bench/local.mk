# Benchmarks: programs that print their figures; never run as timed tests.
noinst_PROGRAMS += bench/bench_steering
bench_bench_steering_SOURCES = bench/bench_steering.c
bench_bench_steering_LDADD = $(JANSSON_LIBS) -lm
