"""`cherrysync demo`: the whole pipeline offline, on loopback endpoints and throwaway data."""
