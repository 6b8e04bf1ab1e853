import TideModel

/// Why a device could not be registered (unreachable, or refused by the server's policy).
typealias RegistrationError = AreaError<RegistrationArea>
enum RegistrationArea {}
