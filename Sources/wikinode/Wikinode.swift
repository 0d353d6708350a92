import ArgumentParser
import Foundation
import Logging
import WikinodeCore
import WikinodeServer

struct Wikinode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A federated wiki and weblog node.",
        subcommands: [
            Serve.self, Follow.self, Unfollow.self, Peers.self, Mentions.self, Import.self, Export.self, Backup.self, UserCommand.self, Passwd.self,
            Token.self, Config.self,
        ])
}

/// `--data DIR`, shared by every command.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory (default: $WIKINODE_DATA or ./wikinode-data).")
    var data: String = DataDirectory.defaultPath

    var directory: DataDirectory { DataDirectory(path: data) }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the node.")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Option(help: "The public base URL of the node (default: http://HOST:PORT).") var url: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Flag(help: "Allow fetching from and sending to loopback and private addresses (tests, private networks).")
    var allowPrivateAddresses = false
    @Flag(help: ArgumentHelp("Reach 127.0.0.1 and ::1 only (for test suites).", visibility: .hidden))
    var loopbackOnly = false
    @Option(help: "At most this many client connections at once; more get 503 (fewer when the file limit is low).")
    var maxConnections = ConnectionLimits().maximumConnections
    @Option(help: "At most this many connections from one IPv4 address or IPv6 /64 (0: no cap; 127.0.0.1 and ::1 are never capped).")
    var maxConnectionsPerClient = ConnectionLimits().maximumConnectionsPerClient

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
        guard maxConnectionsPerClient >= 0 else { throw ValidationError("--max-connections-per-client must be 0 or more.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level \(logLevel).") }
        if let url, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ValidationError("--url must be an http or https URL.")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { LineLogHandler.standardOutput(label: $0) }
        // Every client connection is a file descriptor: take all the system allows.
        FileLimit.raiseToHardLimit()
        let directory = dataOptions.directory
        let isNew = !FileManager.default.fileExists(atPath: directory.databasePath)
        var settings = ServerConfiguration(
            host: host, port: port, baseURL: url, dataDirectory: directory, resourcesDirectory: try ResourceLocator.find(),
            logLevel: Logger.Level(rawValue: logLevel)!, allowPrivateAddresses: allowPrivateAddresses)
        settings.loopbackOnly = loopbackOnly
        settings.connectionLimits.maximumConnections = maxConnections
        settings.connectionLimits.maximumConnectionsPerClient = maxConnectionsPerClient
        let configuration = settings
        let app = try await buildApplication(configuration: configuration) { boundPort in
            // With port 0 the system chose the port as the server bound it.
            let base = configuration.listening(on: boundPort).baseURL
            // Written straight to the file descriptor: `print` would sit in a buffer when the
            // output is a pipe, and whoever started the node waits for this line.
            var message = ""
            if isNew { message += "Created \(directory.url.path): a new database, the node's key pair and a welcome page.\n" }
            if (try? WikiDatabase.open(path: directory.databasePath).userCount()) == 0 {
                message += "To edit in the browser, make the owner's account: wikinode user add <name> --data \(directory.url.path)\n"
            }
            message += "wikinode is serving \(base)/ (data in \(directory.url.path)). Press Ctrl-C to stop.\n"
            FileHandle.standardOutput.write(Data(message.utf8))
        }
        try await app.runService()
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import a folder of Markdown files as pages.")

    @OptionGroup var dataOptions: DataOptions
    @Argument(help: "The folder to read (.md and .markdown files, also in subfolders).") var folder: String

    func run() async throws {
        // An import into a new node brings all it should hold: no welcome pages before it.
        let (database, _, _) = try dataOptions.directory.open(seedsWelcomePages: false)
        let bar = ProgressBar(label: "Importing")
        let results = try FolderTransfer(database: database).importFolder(URL(fileURLWithPath: folder)) { bar.update($0, of: $1) }
        bar.finish()
        let created = results.filter(\.isCreated).count
        let changed = results.filter { $0.isChanged && !$0.isCreated }.count
        print("Imported \(results.count) files: \(created) new pages, \(changed) changed, \(results.count - created - changed) unchanged.")
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write every page to a folder as Markdown files.")

    @OptionGroup var dataOptions: DataOptions
    @Argument(help: "The folder to write to (created if needed).") var folder: String

    func run() async throws {
        let (database, _, _) = try dataOptions.directory.open()
        let bar = ProgressBar(label: "Exporting")
        let count = try FolderTransfer(database: database).exportFolder(URL(fileURLWithPath: folder)) { bar.update($0, of: $1) }
        bar.finish()
        print("Exported \(count) pages to \(folder).")
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database, consistent as of one moment, to a new file while the node runs (the key stays in the data directory).")

    @OptionGroup var dataOptions: DataOptions
    @Argument(help: "The new file to write.") var file: String

    func run() async throws {
        let (database, _, _) = try dataOptions.directory.open()
        try database.backup(to: URL(fileURLWithPath: file).path)
        print("Backed up to \(file). Copy \(dataOptions.directory.keyFile.path) too to keep the node's identity.")
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Accounts that can sign in.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the first one is the node's owner. The password is read from the terminal or stdin.")

        @OptionGroup var dataOptions: DataOptions
        @Argument(help: "The account's name.") var name: String

        func run() async throws {
            let (database, _, _) = try dataOptions.directory.open()
            let user = try database.addUser(named: name, password: try PasswordReader.read())
            print("Added \(user.role == .owner ? "the owner" : "the account") \(user.name). Sign in at /login.")
        }
    }
}

struct Passwd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set an account's password (read from the terminal or stdin); its sessions end.")

    @OptionGroup var dataOptions: DataOptions
    @Argument(help: "The account's name.") var name: String

    func run() async throws {
        let (database, _, _) = try dataOptions.directory.open()
        try database.setPassword(ofUser: name, to: try PasswordReader.read())
        print("Changed the password of \(name).")
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "API tokens for scripts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once, alone on the last line.")

        @OptionGroup var dataOptions: DataOptions
        @Argument(help: "A name for the token; it is the author of changes made with it.") var name: String

        func run() async throws {
            let (database, _, _) = try dataOptions.directory.open()
            let secret = try database.createToken(named: name)
            print("Created the token \(name). Send it as `Authorization: Bearer <token>`; it is not shown again:")
            print(secret)
        }
    }
}

struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or change a node setting (name, camelCaseLinks, homePage, editPolicy). Restart serve for name and homePage.")

    @OptionGroup var dataOptions: DataOptions
    @Argument(help: "The setting.") var key: String?
    @Argument(help: "The new value.") var value: String?

    func run() async throws {
        let (database, _, _) = try dataOptions.directory.open()
        if let key, let value {
            try database.setSetting(key, to: value)
        }
        let settings = try database.settings()
        for name in NodeSettings.keys where key == nil || key == name {
            print("\(name) = \(settings.value(of: name) ?? "")")
        }
        if let key, settings.value(of: key) == nil {
            throw ValidationError("Unknown setting \(key); settings are \(NodeSettings.keys.joined(separator: ", ")).")
        }
    }
}
