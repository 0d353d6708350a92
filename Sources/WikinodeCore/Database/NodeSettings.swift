import Foundation
import GRDB

/// Settings of a node, kept in the `setting` table.
public struct NodeSettings: Sendable, Equatable {
    /// The node's name, shown in the header and feeds.
    public var name: String = "wikinode"
    /// Whether CamelCase words are wiki links.
    public var camelCaseLinks: Bool = true
    /// The page shown on the front page.
    public var homePage: String = "Welcome"
    /// Who may edit pages.
    public var editPolicy: EditPolicy = .accounts
    /// The time zone dates are shown in (an IANA name); they are stored in UTC.
    public var timeZone: String = "UTC"
    /// Whether verified mentions from outside the followed peers wait for the owner's approval.
    public var moderateMentions: Bool = false
    /// A sentence or two about the node, shown as its fediverse profile's summary.
    public var description: String = ""
    /// The address of the picture its fediverse profile shows (http or https), or empty.
    public var icon: String = ""

    public init() {}

    /// Setting names as `wikinode config` takes them.
    public static let keys = ["name", "camelCaseLinks", "homePage", "editPolicy", "timeZone", "moderateMentions", "description", "icon"]

    /// Interwiki prefixes: the followed peers' names (as `MarkdownOptions.interwikiKey`) and
    /// their base URLs. Read with the settings; not a setting one changes by hand.
    public var interwiki: [String: String] = [:]

    public var markdownOptions: MarkdownOptions { MarkdownOptions(camelCaseLinks: camelCaseLinks, interwiki: interwiki) }

    static func read(_ db: Database) throws -> NodeSettings {
        var settings = NodeSettings()
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT key, value FROM setting")) {
            let key: String = row["key"]
            // Keys with a dot are the node's own bookkeeping (such as the federation cursor).
            guard !key.contains(".") else { continue }
            try settings.set(key, to: row["value"])
        }
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT prefixKey, url FROM peer WHERE isFollowing AND kind = 'wikinode' ORDER BY id")) {
            let key: String = row["prefixKey"]
            if !key.isEmpty, settings.interwiki[key] == nil { settings.interwiki[key] = row["url"] }
        }
        return settings
    }

    /// Sets one setting from text; throws `WikiError.invalidInput` for an unknown key or value.
    public mutating func set(_ key: String, to value: String) throws {
        switch key {
        case "name":
            guard !value.isEmpty, value.count <= 100 else { throw WikiError.invalidInput("The name must have 1 to 100 characters.") }
            name = value
        case "camelCaseLinks":
            camelCaseLinks = try Self.onOff(value, key)
        case "moderateMentions":
            moderateMentions = try Self.onOff(value, key)
        case "homePage":
            do { homePage = try PageTitle(value).text } catch { throw WikiError.invalidInput(error.description) }
        case "timeZone":
            guard TimeZone(identifier: value) != nil else {
                throw WikiError.invalidInput("timeZone is an IANA time zone name such as Europe/Paris or UTC.")
            }
            timeZone = value
        case "description":
            let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count <= 500, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
                throw WikiError.invalidInput("The description is text of at most 500 characters.")
            }
            description = text
        case "icon":
            let text = value.trimmingCharacters(in: .whitespaces)
            guard text.isEmpty || WebAddress.url(text) != nil else {
                throw WikiError.invalidInput("icon is the address (http or https, at most 2000 bytes) of a picture, or empty.")
            }
            icon = text
        case "editPolicy":
            guard let policy = EditPolicy(rawValue: value) else {
                throw WikiError.invalidInput("editPolicy is one of \(EditPolicy.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            editPolicy = policy
        default:
            throw WikiError.invalidInput("Unknown setting \(key); settings are \(Self.keys.joined(separator: ", ")).")
        }
    }

    static func onOff(_ value: String, _ key: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "on", "yes", "1": return true
        case "false", "off", "no", "0": return false
        default: throw WikiError.invalidInput("\(key) is on or off.")
        }
    }

    public func value(of key: String) -> String? {
        switch key {
        case "name": name
        case "camelCaseLinks": camelCaseLinks ? "on" : "off"
        case "homePage": homePage
        case "editPolicy": editPolicy.rawValue
        case "timeZone": timeZone
        case "moderateMentions": moderateMentions ? "on" : "off"
        case "description": description
        case "icon": icon
        default: nil
        }
    }
}
