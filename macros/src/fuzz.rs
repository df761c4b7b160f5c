//! Property tests of the source reconstruction: random input never panics.
