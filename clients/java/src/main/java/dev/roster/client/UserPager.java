package dev.roster.client;

import dev.roster.user.v1.ListUsersRequest;
import dev.roster.user.v1.ListUsersResponse;
import dev.roster.user.v1.User;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Every user of a ListUsers query, fetched a page at a time as iteration reaches it; each page is
 * one call under the client's deadline and may throw {@link RosterException}.
 */
public final class UserPager {
  private final Function<ListUsersRequest, ListUsersResponse> listUsers;
  private final ListUsersRequest request;

  UserPager(Function<ListUsersRequest, ListUsersResponse> listUsers, ListUsersRequest request) {
    this.listUsers = listUsers;
    this.request = request;
  }

  /** The users of every page, in order; iterating again lists again. */
  public Iterable<User> iterateAll() {
    return Users::new;
  }

  private final class Users implements Iterator<User> {
    private Iterator<User> page = java.util.Collections.emptyIterator();
    private String nextToken = request.getPageToken();
    private boolean started;

    @Override
    public boolean hasNext() {
      while (!page.hasNext() && (!started || !nextToken.isEmpty())) {
        started = true;
        ListUsersResponse response =
            listUsers.apply(request.toBuilder().setPageToken(nextToken).build());
        page = response.getUsersList().iterator();
        nextToken = response.getNextPageToken();
      }
      return page.hasNext();
    }

    @Override
    public User next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return page.next();
    }
  }
}
