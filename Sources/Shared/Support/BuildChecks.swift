/// Whether this module was compiled with Swift's run-time checks (array bounds, integer overflow,
/// preconditions). Everything in Shared parses untrusted bytes (HTTP bodies' JSON, JPEG markers,
/// EXIF, Redis replies), so it must never be built with `-Ounchecked`; a test holds that.
public enum BuildChecks {
    /// False only in an `-Ounchecked` build of this module.
    public static var areOn: Bool { !_isFastAssertConfiguration() }
}
