package voucher

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// OrdersCountAhead is how many matching orders past a window
// OrdersWindow counts at most: the count never reads a partner's whole
// history.
const OrdersCountAhead = 10_000

// OrderWindow is a window of the order list at an offset.
type OrderWindow struct {
	Orders []Order
	Total  int  // matching orders, counted up to offset+limit+OrdersCountAhead
	Capped bool // more orders match than Total says
}

// OrdersWindow lists partnerID's orders that f selects newest first, Limit
// of them (at most 200; f.Before is ignored) from offset, for the API's
// limit/offset paging. The window's ids are chosen on the index
// voucher_orders_partner alone, so skipping offset orders computes none
// of their columns; only the window's orders are read in full.
func (s *Service) OrdersWindow(ctx context.Context, partnerID int64, f ListFilter, offset int) (OrderWindow, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	f.Before, offset = 0, max(offset, 0)
	where, args := listQuery(partnerID, f, s.Clock.Now())
	var w OrderWindow
	counted := offset + f.Limit + OrdersCountAhead
	if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM (SELECT FROM voucher_orders o `+where+
		` LIMIT `+strconv.Itoa(counted+1)+`) o`, args...).Scan(&w.Total); err != nil {
		return w, err
	}
	if w.Total > counted {
		w.Total, w.Capped = counted, true
	}
	if w.Total <= offset {
		return w, nil
	}
	rows, err := s.DB.Query(ctx, `WITH page AS MATERIALIZED (SELECT o.id FROM voucher_orders o `+where+
		` ORDER BY o.id DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(offset)+`)
		SELECT `+listColumns+` FROM page JOIN voucher_orders o ON o.id = page.id ORDER BY o.id DESC`, args...)
	if err != nil {
		return w, err
	}
	w.Orders, err = pgx.CollectRows(rows, scanListOrder)
	return w, err
}
