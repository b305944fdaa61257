// Command watch measures WatchUsers fan-out: many watchers, a steady rate of
// creates, and the delay from each change's commit time to its delivery.
//
// It speaks the wire format directly (a pass-through codec and protowire), so
// it needs no generated code: the two messages it reads and writes are tiny.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
)

const (
	watchMethod   = "/roster.user.v1.UserService/WatchUsers"
	createMethod  = "/roster.user.v1.UserService/CreateUser"
	eventCreated  = 1
	eventBookmark = 5
)

// rawCodec passes already-encoded protobuf bytes through unchanged.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	p := v.(*[]byte)
	*p = append((*p)[:0], data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// event is the part of a WatchUsersResponse the benchmark needs.
type event struct {
	kind    uint64
	commit  time.Time
	changes []event
}

// decode reads event_type (2), commit_time (4: seconds 1, nanos 2) and the
// changes (5) a batched response carries, each shaped as a single change.
func decode(b []byte) (event, error) {
	var e event
	var secs, nanos uint64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return e, protowire.ParseError(n)
		}
		b = b[n:]
		if num == 2 && typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(b)
			e.kind, n = v, m
		} else if num == 4 && typ == protowire.BytesType {
			ts, m := protowire.ConsumeBytes(b)
			for len(ts) > 0 {
				f, t, k := protowire.ConsumeTag(ts)
				if k < 0 || t != protowire.VarintType {
					return e, fmt.Errorf("bad timestamp")
				}
				v, j := protowire.ConsumeVarint(ts[k:])
				if f == 1 {
					secs = v
				} else {
					nanos = v
				}
				ts = ts[k+j:]
			}
			n = m
		} else if num == 5 && typ == protowire.BytesType {
			inner, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return e, protowire.ParseError(m)
			}
			change, err := decode(inner)
			if err != nil {
				return e, err
			}
			e.changes = append(e.changes, change)
			n = m
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return e, protowire.ParseError(n)
		}
		b = b[n:]
	}
	e.commit = time.Unix(int64(secs), int64(nanos))
	return e, nil
}

// createRequest encodes CreateUserRequest{user: {email}, request_id}.
func createRequest(i int, run string) []byte {
	var user []byte
	user = protowire.AppendTag(user, 3, protowire.BytesType)
	user = protowire.AppendString(user, fmt.Sprintf("watch-%s-%d@example.com", run, i))
	var req []byte
	req = protowire.AppendTag(req, 1, protowire.BytesType)
	req = protowire.AppendBytes(req, user)
	return req
}

// rssMiB sums VmRSS over the given processes.
func rssMiB(pids []string) float64 {
	total := 0.0
	for _, pid := range pids {
		data, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
				total += kb / 1024
			}
		}
	}
	return total
}

type result struct {
	Watchers    int              `json:"watchers"`
	Writes      int64            `json:"writes"`
	WriteErrors int64            `json:"write_errors"`
	Expected    int64            `json:"expected"`
	Delivered   int64            `json:"delivered"`
	StreamErrs  int64            `json:"stream_errors"`
	CutOff      int64            `json:"cut_off"`
	WriteP99Ms  float64          `json:"write_p99_ms"`
	WriteCodes  map[string]int64 `json:"write_error_codes"`
	P50Ms       float64          `json:"p50_ms"`
	P99Ms       float64          `json:"p99_ms"`
	MaxMs       float64          `json:"max_ms"`
	RssIdle     float64          `json:"rss_idle_mib"`
	RssOpen     float64          `json:"rss_open_mib"`
	RssAfter    float64          `json:"rss_after_mib"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "server address")
	watchers := flag.Int("watchers", 1000, "watch streams")
	conns := flag.Int("conns", 20, "connections the streams share")
	rate := flag.Float64("rate", 100, "creates per second")
	seconds := flag.Float64("seconds", 10, "how long to write")
	pidList := flag.String("pids", "", "comma-separated server pids for RSS")
	perResponse := flag.Int("per-response", 0, "max_changes_per_response each watcher asks for")
	flag.Parse()
	pids := strings.Split(*pidList, ",")
	res, err := run(*addr, *watchers, *conns, *rate, *seconds, *perResponse, pids)
	if err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

func run(addr string, watchers, conns int, rate, seconds float64, perResponse int, pids []string) (result, error) {
	res := result{Watchers: watchers, RssIdle: rssMiB(pids)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})),
	}
	channels := make([]*grpc.ClientConn, conns)
	for i := range channels {
		c, err := grpc.NewClient(addr, opts...)
		if err != nil {
			return res, err
		}
		defer c.Close()
		channels[i] = c
	}
	var mu sync.Mutex
	var latencies []time.Duration
	var delivered, streamErrs, cutOff atomic.Int64
	var ready sync.WaitGroup
	ready.Add(watchers)
	for w := 0; w < watchers; w++ {
		go watch(ctx, channels[w%conns], watchRequest(perResponse), &ready, func(lat time.Duration) {
			delivered.Add(1)
			mu.Lock()
			latencies = append(latencies, lat)
			mu.Unlock()
		}, &streamErrs, &cutOff)
	}
	ready.Wait()
	res.RssOpen = rssMiB(pids)
	// Writes get a connection of their own: one shared with watch streams could
	// wait behind the server's per-connection stream limit.
	writer, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return res, err
	}
	defer writer.Close()
	writes, writeCodes, writeP99 := write(ctx, writer, rate, seconds)
	res.Writes, res.WriteCodes, res.WriteP99Ms = writes, writeCodes, writeP99
	for _, n := range writeCodes {
		res.WriteErrors += n
	}
	// A write that timed out may still have committed, so every attempt is expected.
	res.Expected = int64(watchers) * writes
	deadline := time.Now().Add(15 * time.Second)
	for delivered.Load() < res.Expected && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	res.RssAfter = rssMiB(pids)
	res.Delivered, res.StreamErrs, res.CutOff = delivered.Load(), streamErrs.Load(), cutOff.Load()
	mu.Lock()
	defer mu.Unlock()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	res.P50Ms, res.P99Ms, res.MaxMs = pct(latencies, 50), pct(latencies, 99), pct(latencies, 100)
	return res, nil
}

func pct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return float64(sorted[i].Microseconds()) / 1000
}

// watchRequest encodes WatchUsersRequest{max_changes_per_response} (empty when 0).
func watchRequest(perResponse int) []byte {
	var req []byte
	if perResponse > 0 {
		req = protowire.AppendTag(req, 2, protowire.VarintType)
		req = protowire.AppendVarint(req, uint64(perResponse))
	}
	return req
}

// watch opens one stream, reports readiness at its bookmark, then times each created user.
// A stream the server ends with RESOURCE_EXHAUSTED (a watcher too slow: it is told
// the revision to resume from) counts as cut off, any other end as an error.
func watch(ctx context.Context, c *grpc.ClientConn, req []byte, ready *sync.WaitGroup, seen func(time.Duration), errs, cut *atomic.Int64) {
	once := sync.Once{}
	defer once.Do(ready.Done)
	stream, err := c.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, watchMethod)
	if err != nil {
		errs.Add(1)
		return
	}
	if stream.SendMsg(&req) != nil || stream.CloseSend() != nil {
		errs.Add(1)
		return
	}
	var buf []byte
	for {
		if err := stream.RecvMsg(&buf); err != nil {
			if status.Code(err) == codes.ResourceExhausted {
				cut.Add(1)
			} else if ctx.Err() == nil {
				errs.Add(1)
			}
			return
		}
		now := time.Now()
		e, err := decode(buf)
		if err != nil {
			errs.Add(1)
			return
		}
		if e.kind == eventBookmark {
			once.Do(ready.Done)
		}
		for _, change := range append(e.changes, e) {
			if change.kind == eventCreated {
				seen(now.Sub(change.commit))
			}
		}
	}
}

// write sends creates at a fixed rate, each on its own goroutine so a slow one does not
// delay the next; it returns the writes, the failed ones by status code and the p99 of the
// successful ones.
func write(ctx context.Context, c *grpc.ClientConn, rate, seconds float64) (int64, map[string]int64, float64) {
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	total := int(rate * seconds)
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	failed := map[string]int64{}
	var mu sync.Mutex
	var took []time.Duration
	for i := 0; i < total; i++ {
		<-tick.C
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, resp := createRequest(i, run), []byte{}
			callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			began := time.Now()
			err := c.Invoke(callCtx, createMethod, &req, &resp)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed[status.Code(err).String()]++
				return
			}
			took = append(took, time.Since(began))
		}(i)
	}
	wg.Wait()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	return int64(total), failed, pct(took, 99)
}
