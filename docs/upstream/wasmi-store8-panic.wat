(module
  (type (;0;) (func (param f64 i64)))
  (type (;1;) (func (param externref) (result funcref f32)))
  (type (;2;) (func))
  (type (;3;) (func (param f64 i32 f32) (result i32 i32 funcref f32 i64 f32)))
  (type (;4;) (func))
  (type (;5;) (func (param f32)))
  (type (;6;) (func (param f32)))
  (func (;0;) (type 2)
    (local i64 f64 f64 f32 f32 f32 f64 f32 f64 f32 f32 f32 f32)
    unreachable)
  (func (;1;) (type 6) (param f32)
    (local f64)
    unreachable)
  (func (;2;) (type 6) (param f32)
    (local i64 f64 f32 f32 f64 f64 f32 f32 f64 f64 f32 f64 f64)
    unreachable)
  (func (;3;) (type 1) (param externref) (result funcref f32)
    (local f32 i64 f32 f32)
    unreachable)
  (func (;4;) (type 5) (param f32)
    (local f32 f32 f32 f64 f64 f32 f32 f64)
    unreachable)
  (func (;5;) (type 3) (param f64 i32 f32) (result i32 i32 funcref f32 i64 f32)
    (local f32 f64 f64 f32)
    global.get 4
    if  ;; label = @1
    end
    global.get 4
    i32.const 1
    i32.sub
    global.set 4
    memory.size
    i64.load offset=620543 align=4
    local.get 0
    i32.trunc_sat_f64_u
    i32.const 2143289344
    i32.lt_u
    f64.convert_i32_s
    i64.trunc_f64_u
    i64.lt_u
    ref.func 0
    local.get 0
    i32.trunc_f64_s
    block (result f64)  ;; label = @1
      ref.null extern
      ref.null func
      ref.func 0
      ref.null func
      ref.is_null
      i64.load offset=312890
      f32.convert_i64_u
      memory.size
      ref.func 0
      memory.size
      local.get 1
      i32.store offset=621115 align=2
      loop  ;; label = @2
        global.get 4
        if  ;; label = @3
        end
        global.get 4
        i32.const 1
        i32.sub
        global.set 4
        ref.func 0
        memory.size
        loop  ;; label = @3
          global.get 4
          i32.const 1
          i32.sub
          global.set 4
          ref.func 0
          local.get 0
          memory.size
          i64.load32_s offset=545466 align=2
          ref.func 0
          i64.const -1152921504606846976
          f64.const -0x1.ec703e9eafd49p+937 (;=-2.23469e+282;)
          loop  ;; label = @4
            global.get 4
            i32.const 1
            i32.sub
            global.set 4
            ref.func 0
            f64.const 0x1.fffffffffffffp-768 (;=1.28823e-231;)
            local.set 0
            local.get 1
            if  ;; label = @5
              local.get 2
              i32.reinterpret_f32
              loop  ;; label = @6
                global.get 4
                f32.reinterpret_i32
                loop (result i32)  ;; label = @7
                  global.get 4
                  if  ;; label = @8
                  end
                  global.get 4
                  i32.const 1
                  i32.sub
                  i64.load8_u offset=15412
                  i64.const -1
                  i64.eq
                  local.tee 1
                  local.get 1
                  i32.store8 offset=396954
                  loop  ;; label = @8
                    global.get 4
                    if  ;; label = @9
                    end
                    global.get 4
                    i32.const 1
                    i32.sub
                    global.set 4
                  end
                  f64.const 0x1.p-1049 (;=1.65781e-316;)
                  block  ;; label = @8
                    loop (result f32)  ;; label = @9
                      global.get 4
                      if  ;; label = @10
                      end
                      ref.null func
                      i32.const -1275068416
                      f32.const -nan:0x61c290 (;=-nan;)
                      f32.const nan (;=nan;)
                      local.get 3
                      local.get 3
                      f32.eq
                      select
                      i32.const -536870912
                      f64.convert_i32_s
                      f64.const nan (;=nan;)
                      local.get 4
                      local.get 4
                      f64.eq
                      select
                      local.get 0
                      f64.ne
                      if (result f32)  ;; label = @10
                        block (result i32)  ;; label = @11
                          i64.const 1249859787082925456
                          loop  ;; label = @12
                            loop  ;; label = @13
                              global.get 4
                              if  ;; label = @14
                              end
                              global.get 4
                              i32.const 1
                              i32.sub
                              global.set 4
                              memory.size
                              f32.load offset=306846
                              i32.const 4
                              f64.load offset=176496 align=1
                              i64.reinterpret_f64
                              global.get 1
                              i64.xor
                              global.set 1
                              i32.reinterpret_f32
                              global.get 2
                              i32.xor
                              global.set 2
                            end
                          end
                          global.get 3
                          i64.xor
                          global.set 3
                          i32.const -1024
                        end
                        global.get 0
                        i32.xor
                        global.set 0
                        f32.const 0x1.cf2d8cp-36 (;=2.63286e-11;)
                      else
                        f32.const -0x1.ba9f52p+35 (;=-5.94078e+10;)
                      end
                      i32.reinterpret_f32
                      global.get 2
                      i32.xor
                      global.set 2
                      i32.reinterpret_f32
                      global.get 2
                      i32.xor
                      global.set 2
                      global.get 0
                      i32.xor
                      global.set 0
                      drop
                      f32.const 0x1p-95 (;=2.52435e-29;)
                    end
                    i32.reinterpret_f32
                    global.get 2
                    i32.xor
                    global.set 2
                  end
                  i64.reinterpret_f64
                  global.get 1
                  i64.xor
                  global.set 1
                  i32.const -129
                end
                global.get 0
                i32.xor
                global.set 0
                i32.reinterpret_f32
                global.get 2
                i32.xor
                global.set 2
              end
              global.get 0
              i32.xor
              global.set 0
            end
            drop
          end
          i64.reinterpret_f64
          global.get 1
          i64.xor
          global.set 1
          global.get 3
          i64.xor
          global.set 3
          drop
          global.get 3
          i64.xor
          global.set 3
          i64.reinterpret_f64
          global.get 1
          i64.xor
          global.set 1
          drop
        end
        drop
        drop
      end
      drop
      global.get 0
      i32.xor
      global.set 0
      i32.reinterpret_f32
      global.get 2
      i32.xor
      global.set 2
      drop
      drop
      drop
      f64.const 0x1.4faf034e0002bp+435 (;=1.16342e+131;)
    end
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1
    global.get 0
    i32.xor
    global.set 0
    drop
    i32.const 733847387
    ref.null func
    f32.const -0x1.299688p-100 (;=-9.17014e-31;)
    i64.const -32769
    f32.const -0x1.1635d4p-124 (;=-5.10992e-38;))
  (memory (;0;) 11)
  (global (;0;) (mut i32) (i32.const 0))
  (global (;1;) (mut i64) (i64.const 0))
  (global (;2;) (mut i32) (i32.const 0))
  (global (;3;) (mut i64) (i64.const 0))
  (global (;4;) (mut i32) (i32.const 10000))
  (export "x|K" (func 0))
  (export "" (func 1))
  (export "2" (func 2))
  (export "3" (func 3))
  (export "4" (func 4))
  (export "5" (func 5))
  (export "6" (memory 0))
  (export "Z\06j\c6\9do" (global 0))
  (export "8" (global 1))
  (export "\08" (global 2))
  (export "e" (global 3))
  (start 0)
  (elem (;0;) declare func 0))
