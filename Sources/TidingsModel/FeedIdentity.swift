/// What the store and the output need to know about the feed an entry came from.
public struct FeedIdentity: Sendable, Hashable {
    public var id: String
    public var url: String
    public var title: String?
    public var homePageURL: String?

    public init(_ ref: TidingsMeta.FeedRef) {
        self.init(id: ref.id, url: ref.url, title: ref.title, homePageURL: ref.homePageURL)
    }

    public init(id: String, url: String, title: String? = nil, homePageURL: String? = nil) {
        self.id = id
        self.url = url
        self.title = title
        self.homePageURL = homePageURL
    }

    public var ref: TidingsMeta.FeedRef { .init(id: id, url: url, title: title, homePageURL: homePageURL) }
}
