package roster

import (
	"errors"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	userv1 "roster.dev/gen/go/roster/user/v1"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of every UserService error.
const ErrorDomain = "user.roster.dev"

// Error is a failed call with its google.rpc.Status details decoded. Every
// method of Client returns one for a gRPC status; match it with errors.As.
type Error struct {
	// Code and Message are the gRPC status.
	Code    codes.Code
	Message string
	// Reason, Domain and Metadata come from the google.rpc.ErrorInfo detail;
	// Reason is an ErrorReason value name such as "ERROR_REASON_ETAG_MISMATCH".
	Reason   string
	Domain   string
	Metadata map[string]string
	// FieldViolations come from google.rpc.BadRequest (INVALID_ARGUMENT).
	FieldViolations []*errdetails.BadRequest_FieldViolation
	// Resource comes from google.rpc.ResourceInfo (NOT_FOUND, ALREADY_EXISTS).
	Resource *errdetails.ResourceInfo
	// Details holds every detail, including kinds this type does not decode.
	Details []any

	status *status.Status
}

// Error formats the code, reason and message.
func (e *Error) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("roster: %s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("roster: %s (%s): %s", e.Code, e.Reason, e.Message)
}

// GRPCStatus lets status.FromError and status.Code see through an *Error.
func (e *Error) GRPCStatus() *status.Status {
	return e.status
}

// ErrorReason is Reason as the contract's enum; ERROR_REASON_UNSPECIFIED when
// there is no ErrorInfo or the reason is newer than this client.
func (e *Error) ErrorReason() userv1.ErrorReason {
	return userv1.ErrorReason(userv1.ErrorReason_value[e.Reason])
}

// Is makes errors.Is(err, ErrRelistRequired) true for OUT_OF_RANGE
// REVISION_NOT_RETAINED.
func (e *Error) Is(target error) bool {
	return target == ErrRelistRequired && e.Code == codes.OutOfRange &&
		e.ErrorReason() == userv1.ErrorReason_ERROR_REASON_REVISION_NOT_RETAINED
}

// ReasonOf returns the ErrorInfo reason carried by err, or "" when err is not
// an *Error.
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// wrapError turns a gRPC status error into an *Error and leaves nil and
// non-status errors (io.EOF from a stream) unchanged.
func wrapError(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	e := &Error{Code: st.Code(), Message: st.Message(), status: st}
	for _, detail := range st.Details() {
		e.Details = append(e.Details, detail)
		switch d := detail.(type) {
		case *errdetails.ErrorInfo:
			e.Reason, e.Domain, e.Metadata = d.GetReason(), d.GetDomain(), d.GetMetadata()
		case *errdetails.BadRequest:
			e.FieldViolations = append(e.FieldViolations, d.GetFieldViolations()...)
		case *errdetails.ResourceInfo:
			e.Resource = d
		}
	}
	return e
}
