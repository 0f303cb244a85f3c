//! The `gptscope` binary: parses the command line and hands over to [`gptscope::cli`].

fn main() -> std::process::ExitCode {
    gptscope::cli::main()
}
