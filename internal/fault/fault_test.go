package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ccp-partner/portal/internal/fault"
)

type limited struct{}

func (limited) Error() string         { return "limited" }
func (limited) FaultKind() fault.Kind { return fault.TooMany }

func TestKindOfFindsTheRefusalInTheChain(t *testing.T) {
	gone := fault.New(fault.NotFound, "thing: not found", "error.not_found")
	cases := []struct {
		err  error
		want fault.Kind
	}{
		{gone, fault.NotFound},
		{fmt.Errorf("loading: %w", gone), fault.NotFound},
		{fmt.Errorf("x: %w", limited{}), fault.TooMany},
		{errors.New("connection refused"), fault.Internal},
		{nil, fault.Internal},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("KindOf(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if !errors.Is(fmt.Errorf("w: %w", gone), gone) || fault.MessageID(fmt.Errorf("w: %w", gone)) != "error.not_found" {
		t.Error("a wrapped refusal lost its identity or message")
	}
}
