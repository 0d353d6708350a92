import Foundation
import Logging
import WikinodeCore
import WikinodeNetwork

/// Everything `buildApplication` needs to know.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The address people and peers reach this node at, without a trailing slash. With port 0
    /// and no URL given, it is settled once the server listens (`listening(on:)`).
    public var baseURL: String
    /// Whether `baseURL` was given rather than made from the host and port.
    public let isBaseURLGiven: Bool
    public var dataDirectory: DataDirectory
    /// The folder holding `Templates/` and `Public/`.
    public var resourcesDirectory: URL
    public var logLevel: Logger.Level
    /// Whether the node may reach loopback and private addresses (tests, private networks).
    public var allowPrivateAddresses: Bool
    /// Whether the node may reach 127.0.0.1 and ::1 only (test nodes).
    public var loopbackOnly = false

    var addressPolicy: AddressPolicy { AddressPolicy(allowPrivateAddresses: allowPrivateAddresses, loopbackOnly: loopbackOnly) }
    /// How often and how hard the node talks to its peers.
    public var federationTiming: PeeringTiming
    /// Timeouts and the connection cap that keep one client from holding the node.
    public var connectionLimits = ConnectionLimits()

    public init(
        host: String = "127.0.0.1", port: Int = 8080, baseURL: String? = nil, dataDirectory: DataDirectory, resourcesDirectory: URL,
        logLevel: Logger.Level = .info, allowPrivateAddresses: Bool = false, federationTiming: PeeringTiming = PeeringTiming()
    ) {
        self.host = host
        self.port = port
        self.baseURL = Self.trimmed(baseURL ?? Self.defaultBaseURL(host: host, port: port))
        isBaseURLGiven = baseURL != nil
        self.dataDirectory = dataDirectory
        self.resourcesDirectory = resourcesDirectory
        self.logLevel = logLevel
        self.allowPrivateAddresses = allowPrivateAddresses
        self.federationTiming = federationTiming
    }

    /// The configuration of the server now listening on `port` (the one the system gave, for
    /// port 0): the same node, found there again after a restart.
    public func listening(on port: Int) -> ServerConfiguration {
        var configuration = self
        configuration.port = port
        if !isBaseURLGiven { configuration.baseURL = Self.defaultBaseURL(host: host, port: port) }
        return configuration
    }

    static func defaultBaseURL(host: String, port: Int) -> String {
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let bracketed = shownHost.contains(":") ? "[\(shownHost)]" : shownHost
        return "http://\(bracketed):\(port)"
    }

    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// Finds the folder with `Templates/` and `Public/`.
public enum ResourceLocator {
    /// `$WIKINODE_RESOURCES`, else the current directory, else a parent of the executable.
    public static func find() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["WIKINODE_RESOURCES"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path, isDirectory: true))
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        for candidate in candidates where isResourceFolder(candidate) {
            return candidate.standardizedFileURL
        }
        throw ResourceError.notFound(searched: candidates.map(\.path))
    }

    static func isResourceFolder(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("Templates/layout.mustache").path)
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("Public").path)
    }
}

/// The templates or static files are missing or broken.
public enum ResourceError: Error, CustomStringConvertible {
    case notFound(searched: [String])
    case missingTemplate(String, folder: String)
    case missingFile(String)
    case invalidTemplates(String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            "Cannot find the Templates/ and Public/ folders (looked in \(searched.joined(separator: ", "))); run from the wikinode folder or set WIKINODE_RESOURCES."
        case .missingTemplate(let name, let folder):
            "The template \(name).mustache is missing from \(folder)."
        case .missingFile(let path):
            "The file \(path) is missing; run from the wikinode folder or set WIKINODE_RESOURCES."
        case .invalidTemplates(let message):
            "A template cannot be read: \(message)"
        }
    }
}
