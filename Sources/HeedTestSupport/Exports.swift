/// The tests reach the local server through this module, as they reach the rest of their support.
@_exported import LocalHTTPServer
