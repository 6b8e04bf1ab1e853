import TideModel

/// Why enrolling a device, a join token or a device certificate was refused.
typealias EnrollmentError = AreaError<EnrollmentArea>
enum EnrollmentArea {}

/// Why creating or revoking an operator token, or reading the audit log, failed.
typealias TokenError = AreaError<TokenArea>
enum TokenArea {}
