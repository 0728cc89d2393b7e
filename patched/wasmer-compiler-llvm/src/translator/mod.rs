mod code;
pub mod intrinsics;
mod state;
pub mod trampoline;

pub use self::code::FuncTranslator;
pub use self::trampoline::FuncTrampoline;
