package prestashop

import "time"

// SetClock makes c's reference caches read the time from now.
func SetClock(c *Client, now func() time.Time) { c.now = now }
