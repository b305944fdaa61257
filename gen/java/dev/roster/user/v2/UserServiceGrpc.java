package dev.roster.user.v2;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * UserService creates, reads, lists, updates, suspends, activates, deletes,
 * purges and watches users. It serves the same users as roster.user.v1.
 * Every error carries a `google.rpc.Status` whose details hold a
 * `google.rpc.ErrorInfo` (domain `user.roster.dev`, reason from
 * ErrorReason); INVALID_ARGUMENT adds `google.rpc.BadRequest` field
 * violations and NOT_FOUND / ALREADY_EXISTS add `google.rpc.ResourceInfo`.
 * Any method may also return UNAVAILABLE (store unreachable or server
 * draining; safe to retry), RESOURCE_EXHAUSTED (server limits),
 * DEADLINE_EXCEEDED and INTERNAL.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class UserServiceGrpc {

  private UserServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "roster.user.v2.UserService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.GetUserRequest,
      dev.roster.user.v2.User> getGetUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetUser",
      requestType = dev.roster.user.v2.GetUserRequest.class,
      responseType = dev.roster.user.v2.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.GetUserRequest,
      dev.roster.user.v2.User> getGetUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.GetUserRequest, dev.roster.user.v2.User> getGetUserMethod;
    if ((getGetUserMethod = UserServiceGrpc.getGetUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getGetUserMethod = UserServiceGrpc.getGetUserMethod) == null) {
          UserServiceGrpc.getGetUserMethod = getGetUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.GetUserRequest, dev.roster.user.v2.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.GetUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("GetUser"))
              .build();
        }
      }
    }
    return getGetUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.BatchGetUsersRequest,
      dev.roster.user.v2.BatchGetUsersResponse> getBatchGetUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "BatchGetUsers",
      requestType = dev.roster.user.v2.BatchGetUsersRequest.class,
      responseType = dev.roster.user.v2.BatchGetUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.BatchGetUsersRequest,
      dev.roster.user.v2.BatchGetUsersResponse> getBatchGetUsersMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.BatchGetUsersRequest, dev.roster.user.v2.BatchGetUsersResponse> getBatchGetUsersMethod;
    if ((getBatchGetUsersMethod = UserServiceGrpc.getBatchGetUsersMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getBatchGetUsersMethod = UserServiceGrpc.getBatchGetUsersMethod) == null) {
          UserServiceGrpc.getBatchGetUsersMethod = getBatchGetUsersMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.BatchGetUsersRequest, dev.roster.user.v2.BatchGetUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "BatchGetUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.BatchGetUsersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.BatchGetUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("BatchGetUsers"))
              .build();
        }
      }
    }
    return getBatchGetUsersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.ListUsersRequest,
      dev.roster.user.v2.ListUsersResponse> getListUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListUsers",
      requestType = dev.roster.user.v2.ListUsersRequest.class,
      responseType = dev.roster.user.v2.ListUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.ListUsersRequest,
      dev.roster.user.v2.ListUsersResponse> getListUsersMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.ListUsersRequest, dev.roster.user.v2.ListUsersResponse> getListUsersMethod;
    if ((getListUsersMethod = UserServiceGrpc.getListUsersMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getListUsersMethod = UserServiceGrpc.getListUsersMethod) == null) {
          UserServiceGrpc.getListUsersMethod = getListUsersMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.ListUsersRequest, dev.roster.user.v2.ListUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.ListUsersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.ListUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("ListUsers"))
              .build();
        }
      }
    }
    return getListUsersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.CreateUserRequest,
      dev.roster.user.v2.User> getCreateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateUser",
      requestType = dev.roster.user.v2.CreateUserRequest.class,
      responseType = dev.roster.user.v2.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.CreateUserRequest,
      dev.roster.user.v2.User> getCreateUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.CreateUserRequest, dev.roster.user.v2.User> getCreateUserMethod;
    if ((getCreateUserMethod = UserServiceGrpc.getCreateUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getCreateUserMethod = UserServiceGrpc.getCreateUserMethod) == null) {
          UserServiceGrpc.getCreateUserMethod = getCreateUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.CreateUserRequest, dev.roster.user.v2.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.CreateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("CreateUser"))
              .build();
        }
      }
    }
    return getCreateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.BatchCreateUsersRequest,
      dev.roster.user.v2.BatchCreateUsersResponse> getBatchCreateUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "BatchCreateUsers",
      requestType = dev.roster.user.v2.BatchCreateUsersRequest.class,
      responseType = dev.roster.user.v2.BatchCreateUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.BatchCreateUsersRequest,
      dev.roster.user.v2.BatchCreateUsersResponse> getBatchCreateUsersMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.BatchCreateUsersRequest, dev.roster.user.v2.BatchCreateUsersResponse> getBatchCreateUsersMethod;
    if ((getBatchCreateUsersMethod = UserServiceGrpc.getBatchCreateUsersMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getBatchCreateUsersMethod = UserServiceGrpc.getBatchCreateUsersMethod) == null) {
          UserServiceGrpc.getBatchCreateUsersMethod = getBatchCreateUsersMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.BatchCreateUsersRequest, dev.roster.user.v2.BatchCreateUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "BatchCreateUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.BatchCreateUsersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.BatchCreateUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("BatchCreateUsers"))
              .build();
        }
      }
    }
    return getBatchCreateUsersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.UpdateUserRequest,
      dev.roster.user.v2.User> getUpdateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateUser",
      requestType = dev.roster.user.v2.UpdateUserRequest.class,
      responseType = dev.roster.user.v2.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.UpdateUserRequest,
      dev.roster.user.v2.User> getUpdateUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.UpdateUserRequest, dev.roster.user.v2.User> getUpdateUserMethod;
    if ((getUpdateUserMethod = UserServiceGrpc.getUpdateUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getUpdateUserMethod = UserServiceGrpc.getUpdateUserMethod) == null) {
          UserServiceGrpc.getUpdateUserMethod = getUpdateUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.UpdateUserRequest, dev.roster.user.v2.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.UpdateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("UpdateUser"))
              .build();
        }
      }
    }
    return getUpdateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.SuspendUserRequest,
      dev.roster.user.v2.User> getSuspendUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SuspendUser",
      requestType = dev.roster.user.v2.SuspendUserRequest.class,
      responseType = dev.roster.user.v2.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.SuspendUserRequest,
      dev.roster.user.v2.User> getSuspendUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.SuspendUserRequest, dev.roster.user.v2.User> getSuspendUserMethod;
    if ((getSuspendUserMethod = UserServiceGrpc.getSuspendUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getSuspendUserMethod = UserServiceGrpc.getSuspendUserMethod) == null) {
          UserServiceGrpc.getSuspendUserMethod = getSuspendUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.SuspendUserRequest, dev.roster.user.v2.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SuspendUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.SuspendUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("SuspendUser"))
              .build();
        }
      }
    }
    return getSuspendUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.ActivateUserRequest,
      dev.roster.user.v2.User> getActivateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ActivateUser",
      requestType = dev.roster.user.v2.ActivateUserRequest.class,
      responseType = dev.roster.user.v2.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.ActivateUserRequest,
      dev.roster.user.v2.User> getActivateUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.ActivateUserRequest, dev.roster.user.v2.User> getActivateUserMethod;
    if ((getActivateUserMethod = UserServiceGrpc.getActivateUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getActivateUserMethod = UserServiceGrpc.getActivateUserMethod) == null) {
          UserServiceGrpc.getActivateUserMethod = getActivateUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.ActivateUserRequest, dev.roster.user.v2.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ActivateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.ActivateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("ActivateUser"))
              .build();
        }
      }
    }
    return getActivateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.DeleteUserRequest,
      dev.roster.user.v2.User> getDeleteUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteUser",
      requestType = dev.roster.user.v2.DeleteUserRequest.class,
      responseType = dev.roster.user.v2.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.DeleteUserRequest,
      dev.roster.user.v2.User> getDeleteUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.DeleteUserRequest, dev.roster.user.v2.User> getDeleteUserMethod;
    if ((getDeleteUserMethod = UserServiceGrpc.getDeleteUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getDeleteUserMethod = UserServiceGrpc.getDeleteUserMethod) == null) {
          UserServiceGrpc.getDeleteUserMethod = getDeleteUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.DeleteUserRequest, dev.roster.user.v2.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.DeleteUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("DeleteUser"))
              .build();
        }
      }
    }
    return getDeleteUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.UndeleteUserRequest,
      dev.roster.user.v2.User> getUndeleteUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UndeleteUser",
      requestType = dev.roster.user.v2.UndeleteUserRequest.class,
      responseType = dev.roster.user.v2.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.UndeleteUserRequest,
      dev.roster.user.v2.User> getUndeleteUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.UndeleteUserRequest, dev.roster.user.v2.User> getUndeleteUserMethod;
    if ((getUndeleteUserMethod = UserServiceGrpc.getUndeleteUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getUndeleteUserMethod = UserServiceGrpc.getUndeleteUserMethod) == null) {
          UserServiceGrpc.getUndeleteUserMethod = getUndeleteUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.UndeleteUserRequest, dev.roster.user.v2.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UndeleteUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.UndeleteUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("UndeleteUser"))
              .build();
        }
      }
    }
    return getUndeleteUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.PurgeUserRequest,
      dev.roster.user.v2.PurgeUserResponse> getPurgeUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PurgeUser",
      requestType = dev.roster.user.v2.PurgeUserRequest.class,
      responseType = dev.roster.user.v2.PurgeUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.PurgeUserRequest,
      dev.roster.user.v2.PurgeUserResponse> getPurgeUserMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.PurgeUserRequest, dev.roster.user.v2.PurgeUserResponse> getPurgeUserMethod;
    if ((getPurgeUserMethod = UserServiceGrpc.getPurgeUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getPurgeUserMethod = UserServiceGrpc.getPurgeUserMethod) == null) {
          UserServiceGrpc.getPurgeUserMethod = getPurgeUserMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.PurgeUserRequest, dev.roster.user.v2.PurgeUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PurgeUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.PurgeUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.PurgeUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("PurgeUser"))
              .build();
        }
      }
    }
    return getPurgeUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.roster.user.v2.WatchUsersRequest,
      dev.roster.user.v2.WatchUsersResponse> getWatchUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchUsers",
      requestType = dev.roster.user.v2.WatchUsersRequest.class,
      responseType = dev.roster.user.v2.WatchUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.roster.user.v2.WatchUsersRequest,
      dev.roster.user.v2.WatchUsersResponse> getWatchUsersMethod() {
    io.grpc.MethodDescriptor<dev.roster.user.v2.WatchUsersRequest, dev.roster.user.v2.WatchUsersResponse> getWatchUsersMethod;
    if ((getWatchUsersMethod = UserServiceGrpc.getWatchUsersMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getWatchUsersMethod = UserServiceGrpc.getWatchUsersMethod) == null) {
          UserServiceGrpc.getWatchUsersMethod = getWatchUsersMethod =
              io.grpc.MethodDescriptor.<dev.roster.user.v2.WatchUsersRequest, dev.roster.user.v2.WatchUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.WatchUsersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.roster.user.v2.WatchUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("WatchUsers"))
              .build();
        }
      }
    }
    return getWatchUsersMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static UserServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceStub>() {
        @java.lang.Override
        public UserServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceStub(channel, callOptions);
        }
      };
    return UserServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static UserServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingV2Stub>() {
        @java.lang.Override
        public UserServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return UserServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static UserServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingStub>() {
        @java.lang.Override
        public UserServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceBlockingStub(channel, callOptions);
        }
      };
    return UserServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static UserServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceFutureStub>() {
        @java.lang.Override
        public UserServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceFutureStub(channel, callOptions);
        }
      };
    return UserServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * UserService creates, reads, lists, updates, suspends, activates, deletes,
   * purges and watches users. It serves the same users as roster.user.v1.
   * Every error carries a `google.rpc.Status` whose details hold a
   * `google.rpc.ErrorInfo` (domain `user.roster.dev`, reason from
   * ErrorReason); INVALID_ARGUMENT adds `google.rpc.BadRequest` field
   * violations and NOT_FOUND / ALREADY_EXISTS add `google.rpc.ResourceInfo`.
   * Any method may also return UNAVAILABLE (store unreachable or server
   * draining; safe to retry), RESOURCE_EXHAUSTED (server limits),
   * DEADLINE_EXCEEDED and INTERNAL.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * GetUser returns one user, soft-deleted or not.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask), NOT_FOUND.
     * </pre>
     */
    default void getUser(dev.roster.user.v2.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * BatchGetUsers returns several users in the order asked, all or nothing.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask, more than 1000
     * names), NOT_FOUND (any name missing; ResourceInfo names the first).
     * </pre>
     */
    default void batchGetUsers(dev.roster.user.v2.BatchGetUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.BatchGetUsersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getBatchGetUsersMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListUsers pages through users matching a filter, in a stable order.
     * Errors: INVALID_ARGUMENT (negative page_size, bad or too large filter,
     * bad order_by or read_mask, altered page token, or a token from a
     * different query).
     * </pre>
     */
    default void listUsers(dev.roster.user.v2.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.ListUsersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListUsersMethod(), responseObserver);
    }

    /**
     * <pre>
     * CreateUser creates an active user. Retrying with the same request_id
     * returns the first result and creates nothing; request ids are kept for
     * the server's idempotency period (7 days by default).
     * Errors: INVALID_ARGUMENT (missing email, malformed field, request_id
     * reused for a different request, request_id of a user since purged),
     * ALREADY_EXISTS (user_id taken, email in use).
     * </pre>
     */
    default void createUser(dev.roster.user.v2.CreateUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * BatchCreateUsers creates 1 to 1000 users at once, all or nothing.
     * Retrying with the same request_id returns the first result.
     * Errors: INVALID_ARGUMENT (no requests or more than 1000; any malformed
     * user, each named in one BadRequest as `requests[i].user.email` etc.;
     * two requests with the same email or user_id; request_id reused),
     * ALREADY_EXISTS (a user_id taken or an email in use; ResourceInfo names
     * the first).
     * </pre>
     */
    default void batchCreateUsers(dev.roster.user.v2.BatchCreateUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.BatchCreateUsersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getBatchCreateUsersMethod(), responseObserver);
    }

    /**
     * <pre>
     * UpdateUser changes the fields named in update_mask.
     * Errors: INVALID_ARGUMENT (unknown or read-only mask path such as
     * `state`, immutable field changed, malformed field), NOT_FOUND,
     * ALREADY_EXISTS (email in use), ABORTED (stale etag), FAILED_PRECONDITION
     * (user is soft-deleted).
     * </pre>
     */
    default void updateUser(dev.roster.user.v2.UpdateUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * SuspendUser moves an active user to STATE_SUSPENDED.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not active: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    default void suspendUser(dev.roster.user.v2.SuspendUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSuspendUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * ActivateUser moves a suspended user back to STATE_ACTIVE.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not suspended: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    default void activateUser(dev.roster.user.v2.ActivateUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getActivateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * DeleteUser soft-deletes a user: it stays readable with delete_time set
     * until undeleted, or until purged at expire_time.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND (missing or already
     * deleted, unless allow_missing), ABORTED (stale etag).
     * </pre>
     */
    default void deleteUser(dev.roster.user.v2.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * UndeleteUser restores a soft-deleted user.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, ALREADY_EXISTS (the
     * user is not deleted), ABORTED (stale etag).
     * </pre>
     */
    default void undeleteUser(dev.roster.user.v2.UndeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUndeleteUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * PurgeUser removes a soft-deleted user for good, as in roster.user.v1:
     * it can no longer be read, its email and user_id can be used again (its
     * uid never is), its earlier change events lose every personal field, and
     * watchers get an EVENT_TYPE_PURGED event. Needs the scope `users.write`,
     * and `users.admin` as well with `force`.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, FAILED_PRECONDITION
     * (the user is not soft-deleted and force is not set), ABORTED (stale
     * etag), PERMISSION_DENIED (force without the scope `users.admin`).
     * </pre>
     */
    default void purgeUser(dev.roster.user.v2.PurgeUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.PurgeUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPurgeUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * WatchUsers streams changes to users in commit order, optionally only
     * those whose user matches a filter. The first message is a bookmark
     * carrying the revision the stream starts from. Each event carries a
     * revision; reconnect with the last revision received (event or bookmark)
     * to resume with nothing lost or repeated.
     * Errors: INVALID_ARGUMENT (negative or future start_revision, bad
     * filter), OUT_OF_RANGE (start_revision no longer retained: list again),
     * RESOURCE_EXHAUSTED (too many watchers, or this watcher fell too far
     * behind), UNAVAILABLE (the server is shutting down: resume elsewhere).
     * </pre>
     */
    default void watchUsers(dev.roster.user.v2.WatchUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.WatchUsersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchUsersMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service UserService.
   * <pre>
   * UserService creates, reads, lists, updates, suspends, activates, deletes,
   * purges and watches users. It serves the same users as roster.user.v1.
   * Every error carries a `google.rpc.Status` whose details hold a
   * `google.rpc.ErrorInfo` (domain `user.roster.dev`, reason from
   * ErrorReason); INVALID_ARGUMENT adds `google.rpc.BadRequest` field
   * violations and NOT_FOUND / ALREADY_EXISTS add `google.rpc.ResourceInfo`.
   * Any method may also return UNAVAILABLE (store unreachable or server
   * draining; safe to retry), RESOURCE_EXHAUSTED (server limits),
   * DEADLINE_EXCEEDED and INTERNAL.
   * </pre>
   */
  public static abstract class UserServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return UserServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service UserService.
   * <pre>
   * UserService creates, reads, lists, updates, suspends, activates, deletes,
   * purges and watches users. It serves the same users as roster.user.v1.
   * Every error carries a `google.rpc.Status` whose details hold a
   * `google.rpc.ErrorInfo` (domain `user.roster.dev`, reason from
   * ErrorReason); INVALID_ARGUMENT adds `google.rpc.BadRequest` field
   * violations and NOT_FOUND / ALREADY_EXISTS add `google.rpc.ResourceInfo`.
   * Any method may also return UNAVAILABLE (store unreachable or server
   * draining; safe to retry), RESOURCE_EXHAUSTED (server limits),
   * DEADLINE_EXCEEDED and INTERNAL.
   * </pre>
   */
  public static final class UserServiceStub
      extends io.grpc.stub.AbstractAsyncStub<UserServiceStub> {
    private UserServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetUser returns one user, soft-deleted or not.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask), NOT_FOUND.
     * </pre>
     */
    public void getUser(dev.roster.user.v2.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * BatchGetUsers returns several users in the order asked, all or nothing.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask, more than 1000
     * names), NOT_FOUND (any name missing; ResourceInfo names the first).
     * </pre>
     */
    public void batchGetUsers(dev.roster.user.v2.BatchGetUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.BatchGetUsersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getBatchGetUsersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListUsers pages through users matching a filter, in a stable order.
     * Errors: INVALID_ARGUMENT (negative page_size, bad or too large filter,
     * bad order_by or read_mask, altered page token, or a token from a
     * different query).
     * </pre>
     */
    public void listUsers(dev.roster.user.v2.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.ListUsersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListUsersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * CreateUser creates an active user. Retrying with the same request_id
     * returns the first result and creates nothing; request ids are kept for
     * the server's idempotency period (7 days by default).
     * Errors: INVALID_ARGUMENT (missing email, malformed field, request_id
     * reused for a different request, request_id of a user since purged),
     * ALREADY_EXISTS (user_id taken, email in use).
     * </pre>
     */
    public void createUser(dev.roster.user.v2.CreateUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * BatchCreateUsers creates 1 to 1000 users at once, all or nothing.
     * Retrying with the same request_id returns the first result.
     * Errors: INVALID_ARGUMENT (no requests or more than 1000; any malformed
     * user, each named in one BadRequest as `requests[i].user.email` etc.;
     * two requests with the same email or user_id; request_id reused),
     * ALREADY_EXISTS (a user_id taken or an email in use; ResourceInfo names
     * the first).
     * </pre>
     */
    public void batchCreateUsers(dev.roster.user.v2.BatchCreateUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.BatchCreateUsersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getBatchCreateUsersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * UpdateUser changes the fields named in update_mask.
     * Errors: INVALID_ARGUMENT (unknown or read-only mask path such as
     * `state`, immutable field changed, malformed field), NOT_FOUND,
     * ALREADY_EXISTS (email in use), ABORTED (stale etag), FAILED_PRECONDITION
     * (user is soft-deleted).
     * </pre>
     */
    public void updateUser(dev.roster.user.v2.UpdateUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * SuspendUser moves an active user to STATE_SUSPENDED.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not active: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public void suspendUser(dev.roster.user.v2.SuspendUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSuspendUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ActivateUser moves a suspended user back to STATE_ACTIVE.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not suspended: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public void activateUser(dev.roster.user.v2.ActivateUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getActivateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DeleteUser soft-deletes a user: it stays readable with delete_time set
     * until undeleted, or until purged at expire_time.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND (missing or already
     * deleted, unless allow_missing), ABORTED (stale etag).
     * </pre>
     */
    public void deleteUser(dev.roster.user.v2.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * UndeleteUser restores a soft-deleted user.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, ALREADY_EXISTS (the
     * user is not deleted), ABORTED (stale etag).
     * </pre>
     */
    public void undeleteUser(dev.roster.user.v2.UndeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUndeleteUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * PurgeUser removes a soft-deleted user for good, as in roster.user.v1:
     * it can no longer be read, its email and user_id can be used again (its
     * uid never is), its earlier change events lose every personal field, and
     * watchers get an EVENT_TYPE_PURGED event. Needs the scope `users.write`,
     * and `users.admin` as well with `force`.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, FAILED_PRECONDITION
     * (the user is not soft-deleted and force is not set), ABORTED (stale
     * etag), PERMISSION_DENIED (force without the scope `users.admin`).
     * </pre>
     */
    public void purgeUser(dev.roster.user.v2.PurgeUserRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.PurgeUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPurgeUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * WatchUsers streams changes to users in commit order, optionally only
     * those whose user matches a filter. The first message is a bookmark
     * carrying the revision the stream starts from. Each event carries a
     * revision; reconnect with the last revision received (event or bookmark)
     * to resume with nothing lost or repeated.
     * Errors: INVALID_ARGUMENT (negative or future start_revision, bad
     * filter), OUT_OF_RANGE (start_revision no longer retained: list again),
     * RESOURCE_EXHAUSTED (too many watchers, or this watcher fell too far
     * behind), UNAVAILABLE (the server is shutting down: resume elsewhere).
     * </pre>
     */
    public void watchUsers(dev.roster.user.v2.WatchUsersRequest request,
        io.grpc.stub.StreamObserver<dev.roster.user.v2.WatchUsersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchUsersMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service UserService.
   * <pre>
   * UserService creates, reads, lists, updates, suspends, activates, deletes,
   * purges and watches users. It serves the same users as roster.user.v1.
   * Every error carries a `google.rpc.Status` whose details hold a
   * `google.rpc.ErrorInfo` (domain `user.roster.dev`, reason from
   * ErrorReason); INVALID_ARGUMENT adds `google.rpc.BadRequest` field
   * violations and NOT_FOUND / ALREADY_EXISTS add `google.rpc.ResourceInfo`.
   * Any method may also return UNAVAILABLE (store unreachable or server
   * draining; safe to retry), RESOURCE_EXHAUSTED (server limits),
   * DEADLINE_EXCEEDED and INTERNAL.
   * </pre>
   */
  public static final class UserServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<UserServiceBlockingV2Stub> {
    private UserServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * GetUser returns one user, soft-deleted or not.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask), NOT_FOUND.
     * </pre>
     */
    public dev.roster.user.v2.User getUser(dev.roster.user.v2.GetUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * BatchGetUsers returns several users in the order asked, all or nothing.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask, more than 1000
     * names), NOT_FOUND (any name missing; ResourceInfo names the first).
     * </pre>
     */
    public dev.roster.user.v2.BatchGetUsersResponse batchGetUsers(dev.roster.user.v2.BatchGetUsersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getBatchGetUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListUsers pages through users matching a filter, in a stable order.
     * Errors: INVALID_ARGUMENT (negative page_size, bad or too large filter,
     * bad order_by or read_mask, altered page token, or a token from a
     * different query).
     * </pre>
     */
    public dev.roster.user.v2.ListUsersResponse listUsers(dev.roster.user.v2.ListUsersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CreateUser creates an active user. Retrying with the same request_id
     * returns the first result and creates nothing; request ids are kept for
     * the server's idempotency period (7 days by default).
     * Errors: INVALID_ARGUMENT (missing email, malformed field, request_id
     * reused for a different request, request_id of a user since purged),
     * ALREADY_EXISTS (user_id taken, email in use).
     * </pre>
     */
    public dev.roster.user.v2.User createUser(dev.roster.user.v2.CreateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * BatchCreateUsers creates 1 to 1000 users at once, all or nothing.
     * Retrying with the same request_id returns the first result.
     * Errors: INVALID_ARGUMENT (no requests or more than 1000; any malformed
     * user, each named in one BadRequest as `requests[i].user.email` etc.;
     * two requests with the same email or user_id; request_id reused),
     * ALREADY_EXISTS (a user_id taken or an email in use; ResourceInfo names
     * the first).
     * </pre>
     */
    public dev.roster.user.v2.BatchCreateUsersResponse batchCreateUsers(dev.roster.user.v2.BatchCreateUsersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getBatchCreateUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UpdateUser changes the fields named in update_mask.
     * Errors: INVALID_ARGUMENT (unknown or read-only mask path such as
     * `state`, immutable field changed, malformed field), NOT_FOUND,
     * ALREADY_EXISTS (email in use), ABORTED (stale etag), FAILED_PRECONDITION
     * (user is soft-deleted).
     * </pre>
     */
    public dev.roster.user.v2.User updateUser(dev.roster.user.v2.UpdateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SuspendUser moves an active user to STATE_SUSPENDED.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not active: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public dev.roster.user.v2.User suspendUser(dev.roster.user.v2.SuspendUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSuspendUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ActivateUser moves a suspended user back to STATE_ACTIVE.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not suspended: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public dev.roster.user.v2.User activateUser(dev.roster.user.v2.ActivateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getActivateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteUser soft-deletes a user: it stays readable with delete_time set
     * until undeleted, or until purged at expire_time.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND (missing or already
     * deleted, unless allow_missing), ABORTED (stale etag).
     * </pre>
     */
    public dev.roster.user.v2.User deleteUser(dev.roster.user.v2.DeleteUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UndeleteUser restores a soft-deleted user.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, ALREADY_EXISTS (the
     * user is not deleted), ABORTED (stale etag).
     * </pre>
     */
    public dev.roster.user.v2.User undeleteUser(dev.roster.user.v2.UndeleteUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUndeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * PurgeUser removes a soft-deleted user for good, as in roster.user.v1:
     * it can no longer be read, its email and user_id can be used again (its
     * uid never is), its earlier change events lose every personal field, and
     * watchers get an EVENT_TYPE_PURGED event. Needs the scope `users.write`,
     * and `users.admin` as well with `force`.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, FAILED_PRECONDITION
     * (the user is not soft-deleted and force is not set), ABORTED (stale
     * etag), PERMISSION_DENIED (force without the scope `users.admin`).
     * </pre>
     */
    public dev.roster.user.v2.PurgeUserResponse purgeUser(dev.roster.user.v2.PurgeUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getPurgeUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WatchUsers streams changes to users in commit order, optionally only
     * those whose user matches a filter. The first message is a bookmark
     * carrying the revision the stream starts from. Each event carries a
     * revision; reconnect with the last revision received (event or bookmark)
     * to resume with nothing lost or repeated.
     * Errors: INVALID_ARGUMENT (negative or future start_revision, bad
     * filter), OUT_OF_RANGE (start_revision no longer retained: list again),
     * RESOURCE_EXHAUSTED (too many watchers, or this watcher fell too far
     * behind), UNAVAILABLE (the server is shutting down: resume elsewhere).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.roster.user.v2.WatchUsersResponse>
        watchUsers(dev.roster.user.v2.WatchUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchUsersMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service UserService.
   * <pre>
   * UserService creates, reads, lists, updates, suspends, activates, deletes,
   * purges and watches users. It serves the same users as roster.user.v1.
   * Every error carries a `google.rpc.Status` whose details hold a
   * `google.rpc.ErrorInfo` (domain `user.roster.dev`, reason from
   * ErrorReason); INVALID_ARGUMENT adds `google.rpc.BadRequest` field
   * violations and NOT_FOUND / ALREADY_EXISTS add `google.rpc.ResourceInfo`.
   * Any method may also return UNAVAILABLE (store unreachable or server
   * draining; safe to retry), RESOURCE_EXHAUSTED (server limits),
   * DEADLINE_EXCEEDED and INTERNAL.
   * </pre>
   */
  public static final class UserServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<UserServiceBlockingStub> {
    private UserServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetUser returns one user, soft-deleted or not.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask), NOT_FOUND.
     * </pre>
     */
    public dev.roster.user.v2.User getUser(dev.roster.user.v2.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * BatchGetUsers returns several users in the order asked, all or nothing.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask, more than 1000
     * names), NOT_FOUND (any name missing; ResourceInfo names the first).
     * </pre>
     */
    public dev.roster.user.v2.BatchGetUsersResponse batchGetUsers(dev.roster.user.v2.BatchGetUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getBatchGetUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListUsers pages through users matching a filter, in a stable order.
     * Errors: INVALID_ARGUMENT (negative page_size, bad or too large filter,
     * bad order_by or read_mask, altered page token, or a token from a
     * different query).
     * </pre>
     */
    public dev.roster.user.v2.ListUsersResponse listUsers(dev.roster.user.v2.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CreateUser creates an active user. Retrying with the same request_id
     * returns the first result and creates nothing; request ids are kept for
     * the server's idempotency period (7 days by default).
     * Errors: INVALID_ARGUMENT (missing email, malformed field, request_id
     * reused for a different request, request_id of a user since purged),
     * ALREADY_EXISTS (user_id taken, email in use).
     * </pre>
     */
    public dev.roster.user.v2.User createUser(dev.roster.user.v2.CreateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * BatchCreateUsers creates 1 to 1000 users at once, all or nothing.
     * Retrying with the same request_id returns the first result.
     * Errors: INVALID_ARGUMENT (no requests or more than 1000; any malformed
     * user, each named in one BadRequest as `requests[i].user.email` etc.;
     * two requests with the same email or user_id; request_id reused),
     * ALREADY_EXISTS (a user_id taken or an email in use; ResourceInfo names
     * the first).
     * </pre>
     */
    public dev.roster.user.v2.BatchCreateUsersResponse batchCreateUsers(dev.roster.user.v2.BatchCreateUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getBatchCreateUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UpdateUser changes the fields named in update_mask.
     * Errors: INVALID_ARGUMENT (unknown or read-only mask path such as
     * `state`, immutable field changed, malformed field), NOT_FOUND,
     * ALREADY_EXISTS (email in use), ABORTED (stale etag), FAILED_PRECONDITION
     * (user is soft-deleted).
     * </pre>
     */
    public dev.roster.user.v2.User updateUser(dev.roster.user.v2.UpdateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SuspendUser moves an active user to STATE_SUSPENDED.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not active: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public dev.roster.user.v2.User suspendUser(dev.roster.user.v2.SuspendUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSuspendUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ActivateUser moves a suspended user back to STATE_ACTIVE.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not suspended: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public dev.roster.user.v2.User activateUser(dev.roster.user.v2.ActivateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getActivateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteUser soft-deletes a user: it stays readable with delete_time set
     * until undeleted, or until purged at expire_time.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND (missing or already
     * deleted, unless allow_missing), ABORTED (stale etag).
     * </pre>
     */
    public dev.roster.user.v2.User deleteUser(dev.roster.user.v2.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UndeleteUser restores a soft-deleted user.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, ALREADY_EXISTS (the
     * user is not deleted), ABORTED (stale etag).
     * </pre>
     */
    public dev.roster.user.v2.User undeleteUser(dev.roster.user.v2.UndeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUndeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * PurgeUser removes a soft-deleted user for good, as in roster.user.v1:
     * it can no longer be read, its email and user_id can be used again (its
     * uid never is), its earlier change events lose every personal field, and
     * watchers get an EVENT_TYPE_PURGED event. Needs the scope `users.write`,
     * and `users.admin` as well with `force`.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, FAILED_PRECONDITION
     * (the user is not soft-deleted and force is not set), ABORTED (stale
     * etag), PERMISSION_DENIED (force without the scope `users.admin`).
     * </pre>
     */
    public dev.roster.user.v2.PurgeUserResponse purgeUser(dev.roster.user.v2.PurgeUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPurgeUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WatchUsers streams changes to users in commit order, optionally only
     * those whose user matches a filter. The first message is a bookmark
     * carrying the revision the stream starts from. Each event carries a
     * revision; reconnect with the last revision received (event or bookmark)
     * to resume with nothing lost or repeated.
     * Errors: INVALID_ARGUMENT (negative or future start_revision, bad
     * filter), OUT_OF_RANGE (start_revision no longer retained: list again),
     * RESOURCE_EXHAUSTED (too many watchers, or this watcher fell too far
     * behind), UNAVAILABLE (the server is shutting down: resume elsewhere).
     * </pre>
     */
    public java.util.Iterator<dev.roster.user.v2.WatchUsersResponse> watchUsers(
        dev.roster.user.v2.WatchUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchUsersMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service UserService.
   * <pre>
   * UserService creates, reads, lists, updates, suspends, activates, deletes,
   * purges and watches users. It serves the same users as roster.user.v1.
   * Every error carries a `google.rpc.Status` whose details hold a
   * `google.rpc.ErrorInfo` (domain `user.roster.dev`, reason from
   * ErrorReason); INVALID_ARGUMENT adds `google.rpc.BadRequest` field
   * violations and NOT_FOUND / ALREADY_EXISTS add `google.rpc.ResourceInfo`.
   * Any method may also return UNAVAILABLE (store unreachable or server
   * draining; safe to retry), RESOURCE_EXHAUSTED (server limits),
   * DEADLINE_EXCEEDED and INTERNAL.
   * </pre>
   */
  public static final class UserServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<UserServiceFutureStub> {
    private UserServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetUser returns one user, soft-deleted or not.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.User> getUser(
        dev.roster.user.v2.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * BatchGetUsers returns several users in the order asked, all or nothing.
     * Errors: INVALID_ARGUMENT (malformed name or read_mask, more than 1000
     * names), NOT_FOUND (any name missing; ResourceInfo names the first).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.BatchGetUsersResponse> batchGetUsers(
        dev.roster.user.v2.BatchGetUsersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getBatchGetUsersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListUsers pages through users matching a filter, in a stable order.
     * Errors: INVALID_ARGUMENT (negative page_size, bad or too large filter,
     * bad order_by or read_mask, altered page token, or a token from a
     * different query).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.ListUsersResponse> listUsers(
        dev.roster.user.v2.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListUsersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * CreateUser creates an active user. Retrying with the same request_id
     * returns the first result and creates nothing; request ids are kept for
     * the server's idempotency period (7 days by default).
     * Errors: INVALID_ARGUMENT (missing email, malformed field, request_id
     * reused for a different request, request_id of a user since purged),
     * ALREADY_EXISTS (user_id taken, email in use).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.User> createUser(
        dev.roster.user.v2.CreateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * BatchCreateUsers creates 1 to 1000 users at once, all or nothing.
     * Retrying with the same request_id returns the first result.
     * Errors: INVALID_ARGUMENT (no requests or more than 1000; any malformed
     * user, each named in one BadRequest as `requests[i].user.email` etc.;
     * two requests with the same email or user_id; request_id reused),
     * ALREADY_EXISTS (a user_id taken or an email in use; ResourceInfo names
     * the first).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.BatchCreateUsersResponse> batchCreateUsers(
        dev.roster.user.v2.BatchCreateUsersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getBatchCreateUsersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * UpdateUser changes the fields named in update_mask.
     * Errors: INVALID_ARGUMENT (unknown or read-only mask path such as
     * `state`, immutable field changed, malformed field), NOT_FOUND,
     * ALREADY_EXISTS (email in use), ABORTED (stale etag), FAILED_PRECONDITION
     * (user is soft-deleted).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.User> updateUser(
        dev.roster.user.v2.UpdateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * SuspendUser moves an active user to STATE_SUSPENDED.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not active: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.User> suspendUser(
        dev.roster.user.v2.SuspendUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSuspendUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ActivateUser moves a suspended user back to STATE_ACTIVE.
     * Errors: INVALID_ARGUMENT (malformed name, reason too long), NOT_FOUND,
     * ABORTED (stale etag), FAILED_PRECONDITION (the user is soft-deleted, or
     * not suspended: ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.User> activateUser(
        dev.roster.user.v2.ActivateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getActivateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DeleteUser soft-deletes a user: it stays readable with delete_time set
     * until undeleted, or until purged at expire_time.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND (missing or already
     * deleted, unless allow_missing), ABORTED (stale etag).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.User> deleteUser(
        dev.roster.user.v2.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * UndeleteUser restores a soft-deleted user.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, ALREADY_EXISTS (the
     * user is not deleted), ABORTED (stale etag).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.User> undeleteUser(
        dev.roster.user.v2.UndeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUndeleteUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * PurgeUser removes a soft-deleted user for good, as in roster.user.v1:
     * it can no longer be read, its email and user_id can be used again (its
     * uid never is), its earlier change events lose every personal field, and
     * watchers get an EVENT_TYPE_PURGED event. Needs the scope `users.write`,
     * and `users.admin` as well with `force`.
     * Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND, FAILED_PRECONDITION
     * (the user is not soft-deleted and force is not set), ABORTED (stale
     * etag), PERMISSION_DENIED (force without the scope `users.admin`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.roster.user.v2.PurgeUserResponse> purgeUser(
        dev.roster.user.v2.PurgeUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPurgeUserMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_GET_USER = 0;
  private static final int METHODID_BATCH_GET_USERS = 1;
  private static final int METHODID_LIST_USERS = 2;
  private static final int METHODID_CREATE_USER = 3;
  private static final int METHODID_BATCH_CREATE_USERS = 4;
  private static final int METHODID_UPDATE_USER = 5;
  private static final int METHODID_SUSPEND_USER = 6;
  private static final int METHODID_ACTIVATE_USER = 7;
  private static final int METHODID_DELETE_USER = 8;
  private static final int METHODID_UNDELETE_USER = 9;
  private static final int METHODID_PURGE_USER = 10;
  private static final int METHODID_WATCH_USERS = 11;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_GET_USER:
          serviceImpl.getUser((dev.roster.user.v2.GetUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.User>) responseObserver);
          break;
        case METHODID_BATCH_GET_USERS:
          serviceImpl.batchGetUsers((dev.roster.user.v2.BatchGetUsersRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.BatchGetUsersResponse>) responseObserver);
          break;
        case METHODID_LIST_USERS:
          serviceImpl.listUsers((dev.roster.user.v2.ListUsersRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.ListUsersResponse>) responseObserver);
          break;
        case METHODID_CREATE_USER:
          serviceImpl.createUser((dev.roster.user.v2.CreateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.User>) responseObserver);
          break;
        case METHODID_BATCH_CREATE_USERS:
          serviceImpl.batchCreateUsers((dev.roster.user.v2.BatchCreateUsersRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.BatchCreateUsersResponse>) responseObserver);
          break;
        case METHODID_UPDATE_USER:
          serviceImpl.updateUser((dev.roster.user.v2.UpdateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.User>) responseObserver);
          break;
        case METHODID_SUSPEND_USER:
          serviceImpl.suspendUser((dev.roster.user.v2.SuspendUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.User>) responseObserver);
          break;
        case METHODID_ACTIVATE_USER:
          serviceImpl.activateUser((dev.roster.user.v2.ActivateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.User>) responseObserver);
          break;
        case METHODID_DELETE_USER:
          serviceImpl.deleteUser((dev.roster.user.v2.DeleteUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.User>) responseObserver);
          break;
        case METHODID_UNDELETE_USER:
          serviceImpl.undeleteUser((dev.roster.user.v2.UndeleteUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.User>) responseObserver);
          break;
        case METHODID_PURGE_USER:
          serviceImpl.purgeUser((dev.roster.user.v2.PurgeUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.PurgeUserResponse>) responseObserver);
          break;
        case METHODID_WATCH_USERS:
          serviceImpl.watchUsers((dev.roster.user.v2.WatchUsersRequest) request,
              (io.grpc.stub.StreamObserver<dev.roster.user.v2.WatchUsersResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getGetUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.GetUserRequest,
              dev.roster.user.v2.User>(
                service, METHODID_GET_USER)))
        .addMethod(
          getBatchGetUsersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.BatchGetUsersRequest,
              dev.roster.user.v2.BatchGetUsersResponse>(
                service, METHODID_BATCH_GET_USERS)))
        .addMethod(
          getListUsersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.ListUsersRequest,
              dev.roster.user.v2.ListUsersResponse>(
                service, METHODID_LIST_USERS)))
        .addMethod(
          getCreateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.CreateUserRequest,
              dev.roster.user.v2.User>(
                service, METHODID_CREATE_USER)))
        .addMethod(
          getBatchCreateUsersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.BatchCreateUsersRequest,
              dev.roster.user.v2.BatchCreateUsersResponse>(
                service, METHODID_BATCH_CREATE_USERS)))
        .addMethod(
          getUpdateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.UpdateUserRequest,
              dev.roster.user.v2.User>(
                service, METHODID_UPDATE_USER)))
        .addMethod(
          getSuspendUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.SuspendUserRequest,
              dev.roster.user.v2.User>(
                service, METHODID_SUSPEND_USER)))
        .addMethod(
          getActivateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.ActivateUserRequest,
              dev.roster.user.v2.User>(
                service, METHODID_ACTIVATE_USER)))
        .addMethod(
          getDeleteUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.DeleteUserRequest,
              dev.roster.user.v2.User>(
                service, METHODID_DELETE_USER)))
        .addMethod(
          getUndeleteUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.UndeleteUserRequest,
              dev.roster.user.v2.User>(
                service, METHODID_UNDELETE_USER)))
        .addMethod(
          getPurgeUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.roster.user.v2.PurgeUserRequest,
              dev.roster.user.v2.PurgeUserResponse>(
                service, METHODID_PURGE_USER)))
        .addMethod(
          getWatchUsersMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.roster.user.v2.WatchUsersRequest,
              dev.roster.user.v2.WatchUsersResponse>(
                service, METHODID_WATCH_USERS)))
        .build();
  }

  private static abstract class UserServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    UserServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.roster.user.v2.UserServiceProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("UserService");
    }
  }

  private static final class UserServiceFileDescriptorSupplier
      extends UserServiceBaseDescriptorSupplier {
    UserServiceFileDescriptorSupplier() {}
  }

  private static final class UserServiceMethodDescriptorSupplier
      extends UserServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    UserServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (UserServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new UserServiceFileDescriptorSupplier())
              .addMethod(getGetUserMethod())
              .addMethod(getBatchGetUsersMethod())
              .addMethod(getListUsersMethod())
              .addMethod(getCreateUserMethod())
              .addMethod(getBatchCreateUsersMethod())
              .addMethod(getUpdateUserMethod())
              .addMethod(getSuspendUserMethod())
              .addMethod(getActivateUserMethod())
              .addMethod(getDeleteUserMethod())
              .addMethod(getUndeleteUserMethod())
              .addMethod(getPurgeUserMethod())
              .addMethod(getWatchUsersMethod())
              .build();
        }
      }
    }
    return result;
  }
}
