package voucher

import (
	"fmt"
	"net/url"
)

// filters are the list's filters as query parameters.
func filters(p ListPage) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": p.Status, "code_status": p.CodeStatus, "from": p.From, "to": p.To, "customer": p.Customer} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// nextPage is the list's next-page link, keeping the filters.
func nextPage(p ListPage) string {
	q := filters(p)
	q.Set("before", fmt.Sprint(p.Next))
	return "/finance/vouchers?" + q.Encode()
}

// filteredCSV downloads the orders the filters select.
func filteredCSV(p ListPage) string { return "/finance/vouchers.csv?" + filters(p).Encode() }
