extension Sequence {
    /// Each key once, where it first appears, as its latest element by `isLater` (the first of
    /// equals): what a followed site lists twice (a feed entry, a fedwiki slug) is one thing at
    /// its latest version, not two copies that take turns at every read.
    public func latestPerKey<Key: Hashable>(_ key: (Element) -> Key, isLater: (Element, Element) -> Bool) -> [Element] {
        var kept: [Element] = []
        var indexByKey: [Key: Int] = [:]
        for element in self {
            if let index = indexByKey[key(element)] {
                if isLater(element, kept[index]) { kept[index] = element }
            } else {
                indexByKey[key(element)] = kept.count
                kept.append(element)
            }
        }
        return kept
    }
}
