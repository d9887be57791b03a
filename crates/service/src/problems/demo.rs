//! Demo problems (filled in later).
