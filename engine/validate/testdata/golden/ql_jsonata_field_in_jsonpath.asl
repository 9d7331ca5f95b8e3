{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Output": {
    "a": 1
   },
   "End": true
  }
 }
}