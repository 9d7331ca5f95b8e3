{
 "StartAt": "P",
 "States": {
  "P": {
   "Type": "Parallel",
   "Branches": [
    {
     "States": {
      "A": {
       "Type": "Pass",
       "End": true
      }
     }
    }
   ],
   "End": true
  }
 }
}