//! Browser tests live in `tests/browser/`: `cargo test -p dongneng-e2e`.
//!
//! They need Chromium and chromedriver (Debian: `apt-get install chromium chromium-driver
//! fonts-noto-cjk`; `CHROME_BIN` and `CHROMEDRIVER` point elsewhere). Without them every test
//! is reported ignored; with `E2E_REQUIRED=1` that is a failure. Tests marked as showing a known
//! application bug are ignored until it is fixed; `-- --include-ignored` runs them. A failed
//! test leaves a screenshot in `target/e2e-screenshots/<test>.png`.
