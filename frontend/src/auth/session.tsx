// Who is signed in: tokens in localStorage, the user re-read from the API on load.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { api, tokenStore, type User } from "../api/client";

interface Session {
  user: User | null;
  loading: boolean;
  signIn: (email: string, password: string) => Promise<User>;
  /** Open a registration's e-mail link: the account is created and signed in. */
  completeRegistration: (token: string, password: string) => Promise<User>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(Boolean(tokenStore.get()));
  useEffect(() => {
    if (!tokenStore.get()) return;
    api
      .me()
      .then(setUser, () => tokenStore.clear())
      .finally(() => setLoading(false));
  }, []);
  const signIn = useCallback(async (email: string, password: string) => {
    await api.login({ email, password });
    const me = await api.me();
    setUser(me);
    return me;
  }, []);
  const completeRegistration = useCallback(async (token: string, password: string) => {
    await api.verifyEmail({ token, password });
    const me = await api.me();
    setUser(me);
    return me;
  }, []);
  const signOut = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
  }, []);
  return <SessionContext.Provider value={{ user, loading, signIn, completeRegistration, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
