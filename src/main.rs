fn main() -> std::process::ExitCode {
    gowasm::cli::main()
}
