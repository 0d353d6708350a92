import Foundation
import Synchronization
import WikinodeCore

/// What every page's layout shows about the node.
struct SiteView: Sendable {
    let name: String
    let nodeURL: NodeBaseURL
    /// The node's base URL, for absolute addresses.
    var baseURL: String { nodeURL.string }
    /// The node's owner, as the h-card and feeds name them.
    let ownerName: String
    /// Where dates are shown (setting `timeZone`).
    var timeZone: TimeZone = .gmt
}

extension SiteView {
    /// The site as the node's settings describe it when it starts.
    init(database: WikiDatabase, nodeURL: NodeBaseURL) throws {
        let settings = try database.settings()
        self.init(
            name: settings.name, nodeURL: nodeURL, ownerName: try database.ownerName() ?? settings.name,
            timeZone: TimeZone(identifier: settings.timeZone) ?? .gmt)
    }
}

/// A date as pages show it: readable text and a machine-readable `datetime`.
struct DateView: Sendable {
    let iso: String
    let text: String

    init(_ date: Date, in timeZone: TimeZone) {
        let styles = Styles.for(timeZone)
        iso = date.formatted(styles.iso)
        let zone = timeZone == .gmt ? "UTC" : (timeZone.abbreviation(for: date) ?? timeZone.identifier)
        text = date.formatted(styles.text) + " " + zone
    }

    /// The two formats for one time zone, made once: making them (a locale, a calendar) cost
    /// more than formatting with them, on every date of every page view.
    private struct Styles: Sendable {
        let iso: Date.ISO8601FormatStyle
        let text: Date.VerbatimFormatStyle

        private static let made = Mutex<[TimeZone: Styles]>([:])

        static func `for`(_ timeZone: TimeZone) -> Styles {
            if let styles = made.withLock({ $0[timeZone] }) { return styles }
            let styles = Styles(
                iso: Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: timeZone),
                text: Date.VerbatimFormatStyle(
                    format:
                        "\(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits), \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
                    locale: Locale(identifier: "en_US_POSIX"), timeZone: timeZone, calendar: Calendar(identifier: .gregorian)))
            // A node shows dates in the zone of its setting: one entry, or one per zone it was set to.
            made.withLock { $0[timeZone] = styles }
            return styles
        }
    }
}

/// A link to a page.
struct PageLinkView: Sendable {
    let title: String
    let path: String
    let isMissing: Bool

    init(title: String, isMissing: Bool = false) {
        self.title = title
        path = PageTitle.path(ofStoredTitle: title)
        self.isMissing = isMissing
    }
}

/// The links under a page's title: history, links here, source.
struct PageToolsView: Sendable {
    let path: String
    let historyPath: String
    let linksPath: String
    let sourcePath: String
    let historyFeedPath: String
    let editPath: String
    let threadPath: String
    let graphPath: String

    init(_ title: PageTitle) {
        threadPath = title.path + NodeAddress.PageSuffix.thread
        graphPath = title.path + NodeAddress.PageSuffix.graph
        path = title.path
        editPath = title.path + NodeAddress.PageSuffix.edit
        historyPath = title.path + NodeAddress.PageSuffix.history
        linksPath = title.path + NodeAddress.PageSuffix.links
        sourcePath = title.path + ".md"
        historyFeedPath = title.path + NodeAddress.PageSuffix.historyFeed
    }
}

struct ErrorView: Sendable {
    let site: SiteView
    let status: Int
    let reason: String
    let message: String
}
