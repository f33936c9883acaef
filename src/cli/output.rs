//! Where commands print: stdout, through a writer that ends quietly when the reader goes away.
//!
//! As ripgrep does, a closed pipe (`mockidp list --format json | head -c 10`) is not an error: the
//! rest of the output is dropped, nothing is printed on stderr, and the exit code is what it would
//! have been (0 for the printing commands; `run` keeps its verdict). Every other write error
//! (`> /dev/full`) is an error naming stdout, which the binary reports with exit code 2.

use std::io::{self, ErrorKind, StdoutLock, Write};

/// Stdout for a command's output.
pub(crate) struct Output {
    stdout: StdoutLock<'static>,
    /// The reader has gone: everything from now on is dropped.
    closed: bool,
}

impl Output {
    /// The process's stdout.
    pub(crate) fn stdout() -> Self {
        Output { stdout: io::stdout().lock(), closed: false }
    }

    /// A write's result, with a closed pipe turned into success from now on.
    fn settle<T>(&mut self, result: io::Result<T>, done: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(done)
            }
            Err(e) => Err(io::Error::new(e.kind(), format!("cannot write to stdout: {e}"))),
            ok => ok,
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.stdout.write(buf);
        self.settle(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.stdout.flush();
        self.settle(result, ())
    }
}
