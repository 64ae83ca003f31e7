// The page's entry: open the connection first, then load the app.
import { openEarly, socketUrl } from "./early";

openEarly(socketUrl());
void import("./main");
