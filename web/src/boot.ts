// The page's entry: the theme and the connection first, then load the app.
import { openEarly, socketUrl } from "./early";
import { applyTheme, readTheme } from "./theme";

applyTheme(readTheme());
openEarly(socketUrl());
void import("./main");
