import ArgumentParser
import NIOCore
import NIOPosix

// Swift's tasks run on NIO's event loops, the threads that read and write the connections, so a
// request's handler starts and answers on the thread its bytes arrived on instead of hopping to
// the global thread pool and back twice per request (half of a cached view's time, measured with
// perf). It must happen before the first task starts. Nothing in the node blocks a thread for
// long on its own: password hashing has its own queue, and database calls are short.
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

/// Runs an asynchronous command; called through a generic so that the asynchronous `main` is chosen.
func runCommandLine<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await command.main(nil)
}

await runCommandLine(Wikinode.self)
