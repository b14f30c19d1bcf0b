namespace Chuanyu.Bench; public static class P { public static void Main() { } }
