// Vitest setup: tests make lookup keys with the native Argon2id, as the server and the till host do.
import { useNativeArgon2 } from '../argon2Native';

useNativeArgon2();
