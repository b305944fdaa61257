package roster

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	userv1 "roster.dev/gen/go/roster/user/v1"
)

// ErrRelistRequired matches (errors.Is) the OUT_OF_RANGE error a watch ends
// with when its revision is no longer retained: list the users again, then
// watch from the revision of that list.
var ErrRelistRequired = errors.New("roster: the watch revision is no longer retained; list again")

// ResumingWatch is WatchUsers that reconnects from the last revision it
// delivered, modelled on client-go's RetryWatcher. It reopens the stream
// whenever the server could not go on (UNAVAILABLE from a drain, a restart or
// a network cut; RESOURCE_EXHAUSTED WATCHER_TOO_SLOW; the server's stream
// deadline), after a jittered back-off from the client policy, and delivers
// every change exactly once, one per event. It is not safe for concurrent use.
type ResumingWatch struct {
	ctx        context.Context
	client     *Client
	request    *userv1.WatchUsersRequest
	backoff    Backoff
	revision   int64
	reconnects int
	failures   int
	stream     *Watch
	cancel     context.CancelFunc
	pending    []*userv1.WatchUsersResponse
}

// Watch starts a resuming watch after req.StartRevision (0: from now). It lasts
// until ctx is cancelled or its deadline passes; the client's default timeout
// does not apply. Call Next for each event and Close when done.
func (c *Client) Watch(ctx context.Context, req *userv1.WatchUsersRequest) *ResumingWatch {
	return &ResumingWatch{
		ctx:      ctx,
		client:   c,
		request:  proto.Clone(req).(*userv1.WatchUsersRequest),
		backoff:  defaultPolicy.backoff,
		revision: req.GetStartRevision(),
	}
}

// Revision is the last revision delivered, a change's or a bookmark's: where
// another watch would resume.
func (w *ResumingWatch) Revision() int64 { return w.revision }

// Reconnects counts the streams reopened so far.
func (w *ResumingWatch) Reconnects() int { return w.reconnects }

// Next blocks for the next event: a bookmark or a single change, never one
// already delivered. It fails with an error matching ErrRelistRequired, with
// ctx's error, or with any *Error a reconnect cannot cure.
func (w *ResumingWatch) Next() (*userv1.WatchUsersResponse, error) {
	for {
		if len(w.pending) > 0 {
			event := w.pending[0]
			w.pending = w.pending[1:]
			if w.isNew(event) {
				return event, nil
			}
			continue
		}
		err := w.receive()
		if err == nil {
			continue
		}
		w.closeStream()
		if !w.resumable(err) {
			return nil, err
		}
		w.failures++
		w.reconnects++
		if err := w.pause(); err != nil {
			return nil, err
		}
	}
}

// Close ends the current stream.
func (w *ResumingWatch) Close() { w.closeStream() }

// receive opens a stream if none is open and queues its next response's events.
func (w *ResumingWatch) receive() error {
	if w.stream == nil {
		ctx, cancel := context.WithCancel(w.ctx)
		w.request.StartRevision = w.revision
		stream, err := w.client.WatchUsers(ctx, w.request)
		if err != nil {
			cancel()
			return err
		}
		w.stream, w.cancel = stream, cancel
	}
	response, err := w.stream.Recv()
	if err != nil {
		return err
	}
	w.failures = 0
	if len(response.GetChanges()) > 0 {
		w.pending = response.GetChanges()
	} else {
		w.pending = []*userv1.WatchUsersResponse{response}
	}
	return nil
}

// isNew advances the position; false for a change delivered before a reconnect.
func (w *ResumingWatch) isNew(event *userv1.WatchUsersResponse) bool {
	if event.GetEventType() == userv1.WatchUsersResponse_EVENT_TYPE_BOOKMARK {
		w.revision = max(w.revision, event.GetRevision())
		return true
	}
	if event.GetRevision() <= w.revision {
		return false
	}
	w.revision = event.GetRevision()
	return true
}

// resumable says whether a reconnect can cure err.
func (w *ResumingWatch) resumable(err error) bool {
	if w.ctx.Err() != nil {
		return false
	}
	if errors.Is(err, io.EOF) {
		return true // the server ended the stream cleanly: reopen it
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case codes.Unavailable, codes.DeadlineExceeded: // the caller's own deadline was checked above
		return true
	case codes.ResourceExhausted:
		return e.ErrorReason() == userv1.ErrorReason_ERROR_REASON_WATCHER_TOO_SLOW
	}
	return false
}

// pause sleeps a jittered back-off before the next reconnect, or returns ctx's error.
func (w *ResumingWatch) pause() error {
	timer := time.NewTimer(rand.N(w.backoff.cap(w.failures) + 1))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

func (w *ResumingWatch) closeStream() {
	if w.cancel != nil {
		w.cancel()
	}
	w.stream, w.cancel, w.pending = nil, nil, nil
}
