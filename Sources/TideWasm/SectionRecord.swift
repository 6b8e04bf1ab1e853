/// Where a section sits in the binary. Every section is recorded, parsed or skipped.
public struct SectionRecord: Sendable, Hashable {
    public var id: SectionID
    /// Offset of the section's id byte.
    public var offset: Int
    /// Offset of the first content byte, after the id and the size.
    public var contentOffset: Int
    /// The declared content size in bytes.
    public var size: Int
    /// The name of a custom section, nil for other sections.
    public var customName: String?

    public init(id: SectionID, offset: Int, contentOffset: Int, size: Int, customName: String? = nil) {
        self.id = id
        self.offset = offset
        self.contentOffset = contentOffset
        self.size = size
        self.customName = customName
    }

    /// Offset just past the section's last byte.
    public var endOffset: Int { contentOffset + size }
}
