import Foundation
import Logging
import Testing
import WikinodeServer

/// The node's log lines, and what a hidden level costs.
@Suite struct LineLogHandlerTests {
    /// Collects written lines, from any thread.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    /// A metadata value that counts how often it was formatted.
    final class CountingValue: CustomStringConvertible, @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var formatted: Int { lock.withLock { count } }
        var description: String {
            lock.withLock { count += 1 }
            return "id-1"
        }
    }

    func logger(level: Logger.Level, into lines: Lines) -> Logger {
        var logger = Logger(label: "wikinode") { LineLogHandler(label: $0) { lines.append($0) } }
        logger.logLevel = level
        return logger
    }

    @Test func metadataIsFormattedOnlyForLinesThatAreWritten() {
        // Given a logger at warning, as a benchmark or a quiet node runs
        let lines = Lines()
        let value = CountingValue()
        // When every "request" sets an id on its own copy and logs at info
        let base = logger(level: .warning, into: lines)
        for _ in 0..<1_000 {
            var request = base
            request[metadataKey: "hb.request.id"] = .stringConvertible(value)
            request.info("request", metadata: ["status": "200"])
        }
        // Then nothing was written and the id was never formatted (swift-log's StreamLogHandler
        // formats all metadata each time a key is set), though it can still be read
        #expect(lines.all.isEmpty)
        #expect(value.formatted == 0)
        var request = base
        request[metadataKey: "hb.request.id"] = .stringConvertible(value)
        #expect(request[metadataKey: "hb.request.id"]?.description == "id-1")
    }

    @Test func aLineCarriesTimeLevelLabelSortedMetadataAndMessage() throws {
        let lines = Lines()
        var logger = logger(level: .info, into: lines)
        logger[metadataKey: "hb.request.id"] = "7"
        logger.info("request", metadata: ["status": "200", "method": "GET"])
        logger.debug("hidden")
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(line.hasSuffix(" info wikinode: hb.request.id=7 method=GET status=200 request\n"), "\(line)")
        let time = try #require(line.split(separator: " ").first)
        #expect(time.hasSuffix("Z") && time.count == "2026-12-03T18:00:00.000Z".count, "\(line)")
    }
}
