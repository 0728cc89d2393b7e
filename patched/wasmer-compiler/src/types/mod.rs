//! Types for compilation.

pub mod address_map;
pub mod function;
pub mod module;
pub mod relocation;
pub mod section;
pub mod symbols;
pub mod unwind;
