import TideHTTP

/// `APIError` lives in TideHTTP, which both servers share. This name keeps it in scope for the
/// orchestrator's files that do not import TideHTTP (the deployment code under Deploy/).
typealias APIError = TideHTTP.APIError
