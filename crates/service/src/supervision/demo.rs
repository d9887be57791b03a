//! Demo supervision items (filled in later).
