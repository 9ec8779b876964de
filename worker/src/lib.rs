//! `lumen_worker`: where and how Lumen's filter jobs run.
