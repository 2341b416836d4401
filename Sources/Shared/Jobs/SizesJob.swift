import Foundation

/// The `sizes` job: a photo's web sizes, made once by a worker and kept by the gateway.
///
/// Result: `{"sizes": [{"name", "width", "height", "jpeg"}], "quality"}`, `jpeg` the file in
/// base64. The gateway stores each file and keeps only their digests in the job's record.
public enum SizesJob {
    /// The sizes and the longest side of each (the photo as displayed, EXIF orientation applied;
    /// a photo already smaller keeps its size). `full` is the original itself and not made.
    public static let sizes: [(name: String, maxSide: Int)] = [("thumb", 150), ("small", 320), ("med", 640)]
    /// JPEG quality of the sizes.
    public static let quality = 85

    /// One made size.
    public struct Size: Sendable, Equatable {
        /// `thumb`, `small` or `med`.
        public var name: String
        /// Pixels.
        public var width: Int, height: Int
        /// The JPEG file.
        public var jpeg: [UInt8]

        /// Creates a size.
        public init(name: String, width: Int, height: Int, jpeg: [UInt8]) {
            self.name = name; self.width = width; self.height = height; self.jpeg = jpeg
        }
    }

    /// The result document of `sizes`.
    public static func result(_ sizes: [Size]) -> JSON {
        ["sizes": .array(sizes.map { ["name": .string($0.name), "width": .int($0.width), "height": .int($0.height),
                                      "jpeg": .string(Data($0.jpeg).base64EncodedString())] }),
         "quality": .int(quality)]
    }

    /// Reads a result document; nil when it is not one.
    public static func sizes(in json: JSON) -> [Size]? {
        guard let items = json["sizes"]?.arrayValue else { return nil }
        var sizes: [Size] = []
        for item in items {
            guard let name = item["name"]?.stringValue, let width = item["width"]?.intValue, let height = item["height"]?.intValue,
                  let text = item["jpeg"]?.stringValue, let data = Data(base64Encoded: text) else { return nil }
            sizes.append(Size(name: name, width: width, height: height, jpeg: [UInt8](data)))
        }
        return sizes
    }
}
