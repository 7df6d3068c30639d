package voucher

import (
	"fmt"
	"net/url"
)

// nextPage is the list's next-page link, keeping the filters.
func nextPage(p ListPage) string {
	q := url.Values{}
	for k, v := range map[string]string{"status": p.Status, "code_status": p.CodeStatus, "from": p.From, "to": p.To, "customer": p.Customer} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set("before", fmt.Sprint(p.Next))
	return "/finance/vouchers?" + q.Encode()
}
