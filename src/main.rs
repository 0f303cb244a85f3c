//! The `gptscope` binary: parses the command line and hands over to [`gptscope::cli`].

fn main() -> std::process::ExitCode {
    gptscope::cli::main()
}

// Many small allocations cross threads during import (parsed on one, freed on another):
// mimalloc handles that far better than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
