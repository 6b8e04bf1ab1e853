import TideModel

/// Why a package upload could not be read (before the package rules are checked).
typealias UploadError = AreaError<UploadArea>
enum UploadArea {}
