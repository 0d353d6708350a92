import Foundation

/// Reads a password from the terminal without echo (asking twice), or from the first line of
/// standard input when that is not a terminal. Never from the command line, where other users
/// of the machine could see it.
enum PasswordReader {
    static func read(confirming: Bool = true) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = Swift.readLine(strippingNewline: true) else {
                throw CommandError("No password on standard input.")
            }
            return line
        }
        let first = try prompt("Password: ")
        if confirming {
            let second = try prompt("Password again: ")
            guard first == second else { throw CommandError("The two passwords differ.") }
        }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw CommandError("No password given.") }
        return line
    }
}

/// A command-line failure, said in one line.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
