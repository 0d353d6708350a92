import Foundation
import GRDB

extension WikiDatabase {
    /// Changes one setting. Changing how links are found re-renders every page.
    public func setSetting(_ key: String, to value: String) throws {
        try writer.write { db in
            var settings = try NodeSettings.read(db)
            let before = settings
            try settings.set(key, to: value)
            try Setting.write(key, settings.value(of: key) ?? value, in: db)
            if settings.markdownOptions != before.markdownOptions {
                try rerenderAllPages(db, settings: settings)
            }
        }
    }
}
