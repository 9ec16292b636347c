"""Code the tests and the benchmarks (``bench/``) share: the fake Telegram Bot API server and the
helpers that run real bot processes against it. Support code, not tests: nothing here is collected
by pytest except the self-tests in ``selftest/``."""
